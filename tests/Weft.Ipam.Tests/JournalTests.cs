using System.Net;

namespace Weft.Ipam.Tests;

public sealed class JournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wt-ipam-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Missing_file_loads_as_null()
    {
        Assert.Null(new FileAllocationJournal(Path.Combine(_dir, "nested", "ipam.json")).Load());
    }

    [Fact]
    public void State_round_trips_and_leaves_no_temp_file()
    {
        var path = Path.Combine(_dir, "nested", "ipam.json");
        var journal = new FileAllocationJournal(path);
        var state = new IpamState(
            [Cidr.Parse("10.233.64.0/26"), Cidr.Parse("fd00:10::40/122")],
            [
                new Allocation("c1", "eth0", "default", "web-0", [IPAddress.Parse("10.233.64.1"), IPAddress.Parse("fd00:10::41")]),
                new Allocation("c2", "net1", "kube-system", "dns-1", [IPAddress.Parse("10.233.64.2")]),
            ]);
        journal.Save(state);
        journal.Save(state with { Allocations = [state.Allocations[0]] });
        journal.Save(state);

        var loaded = new FileAllocationJournal(path).Load();
        Assert.NotNull(loaded);
        Assert.Equal(state.Blocks, loaded.Blocks);
        Assert.Equal(2, loaded.Allocations.Count);
        var first = loaded.Allocations[0];
        Assert.Equal(("c1", "eth0", "default", "web-0"), (first.ContainerId, first.IfName, first.PodNamespace, first.PodName));
        Assert.Equal(state.Allocations[0].Addresses, first.Addresses);
        Assert.Equal([IPAddress.Parse("10.233.64.2")], loaded.Allocations[1].Addresses);
        Assert.Equal(["ipam.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("""{"version":2,"blocks":[],"allocations":[]}""", "field 'version' is 2, expected 1")]
    [InlineData("""{"version":1,"blocks":["10.0.0.1/24"],"allocations":[]}""", "blocks[0] '10.0.0.1/24' is not a valid CIDR")]
    [InlineData("""{"version":1,"blocks":[],"allocations":[{"containerId":"c","ifName":"eth0","addresses":["x"]}]}""", "allocations[0].addresses 'x' is not an IP address")]
    [InlineData("""{"version":1,"blocks":[],"allocations":[{"ifName":"eth0"}]}""", "allocations[0] needs containerId and ifName")]
    public void Corrupt_journal_names_the_file_and_the_field(string json, string expected)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "ipam.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<IpamException>(() => new FileAllocationJournal(path).Load());
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
