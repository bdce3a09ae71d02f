using Weft.Model;

namespace Weft.Ipam.Tests;

public class IpBlocksTests
{
    [Fact]
    public void Built_block_has_the_documented_shape_and_reads_back()
    {
        var obj = IpBlocks.Build(Cidr.Parse("fd00:10::40/122"), "node-a");
        var json = ResourceJson.Serialize(obj);
        Assert.Contains("\"apiVersion\":\"weft.dev/v1alpha1\"", json);
        Assert.Contains("\"kind\":\"IPBlock\"", json);
        Assert.Contains("\"name\":\"fd00-10--40-122\"", json);
        Assert.Contains("\"weft.dev/node\":\"node-a\"", json);
        Assert.Contains("\"spec\":{\"cidr\":\"fd00:10::40/122\",\"nodeName\":\"node-a\",\"family\":\"IPv6\"}", json);
        Assert.Null(obj.Key.Namespace);

        var info = IpBlocks.Read(ResourceJson.Parse(json));
        Assert.Equal(Cidr.Parse("fd00:10::40/122"), info.Cidr);
        Assert.Equal("node-a", info.NodeName);
        Assert.Equal(IpFamily.IPv6, info.Family);
    }

    [Fact]
    public void Long_node_names_skip_the_label_but_keep_the_spec()
    {
        var name = new string('n', 64);
        var obj = IpBlocks.Build(Cidr.Parse("10.0.0.0/26"), name);
        Assert.False(obj.Metadata.Labels.ContainsKey(IpBlocks.NodeLabel));
        Assert.Equal(name, IpBlocks.Read(obj).NodeName);
    }

    [Fact]
    public void Malformed_blocks_name_the_object_and_field()
    {
        var wrongName = IpBlocks.Build(Cidr.Parse("10.0.0.0/26"), "n1");
        wrongName.Metadata.Name = "10-0-0-64-26";
        Assert.Equal("IPBlock '10-0-0-64-26': metadata.name does not match spec.cidr 10.0.0.0/26 (expected '10-0-0-0-26')",
            Assert.Throws<FormatException>(() => IpBlocks.Read(wrongName)).Message);

        var noNode = IpBlocks.Build(Cidr.Parse("10.0.0.0/26"), "n1");
        noNode.Spec!.Remove("nodeName");
        Assert.False(IpBlocks.TryRead(noNode, out _, out var error));
        Assert.Equal("IPBlock '10-0-0-0-26': spec.nodeName is required", error);

        var badCidr = IpBlocks.Build(Cidr.Parse("10.0.0.0/26"), "n1");
        badCidr.Spec!["cidr"] = "10.0.0.0/99";
        Assert.Contains("spec.cidr '10.0.0.0/99' is not a valid CIDR", Assert.Throws<FormatException>(() => IpBlocks.Read(badCidr)).Message);

        var badFamily = IpBlocks.Build(Cidr.Parse("10.0.0.0/26"), "n1");
        badFamily.Spec!["family"] = "IPv6";
        Assert.Contains("spec.family 'IPv6' does not match", Assert.Throws<FormatException>(() => IpBlocks.Read(badFamily)).Message);
    }
}
