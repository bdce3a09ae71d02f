namespace Weft.Ipam.Tests;

public class IpamConfigTests
{
    [Fact]
    public void Defaults_are_the_kubekey_pod_cidr_with_26_blocks()
    {
        var cfg = IpamConfig.Create();
        Assert.Equal("10.233.64.0/18", cfg.PodCidr.ToString());
        Assert.Null(cfg.PodCidrV6);
        Assert.Equal(26, cfg.BlockSizeV4);
        Assert.Equal(TimeSpan.FromSeconds(60), cfg.EmptyBlockGrace);
        Assert.Equal([IpFamily.IPv4], cfg.Families);
    }

    [Fact]
    public void Dual_stack_lists_both_families_v4_first()
    {
        var cfg = IpamConfig.Create(podCidrV6: "fd00:10::/108");
        Assert.Equal([IpFamily.IPv4, IpFamily.IPv6], cfg.Families);
        Assert.Equal("fd00:10::/108", cfg.PoolOf(IpFamily.IPv6).ToString());
        Assert.Equal(122, cfg.BlockSizeOf(IpFamily.IPv6));
    }

    [Theory]
    [InlineData("10.0.0.0/40", null, 26, 122, "podCIDR: '10.0.0.0/40' is not a valid CIDR")]
    [InlineData("", null, 26, 122, "podCIDR: is required")]
    [InlineData("10.0.0.1/24", null, 26, 122, "podCIDR: '10.0.0.1/24' is not a valid CIDR (host bits are set; did you mean '10.0.0.0/24'?)")]
    [InlineData("fd00::/64", null, 26, 122, "podCIDR: 'fd00::/64' is not an IPv4 CIDR")]
    [InlineData("10.0.0.0/24", "10.1.0.0/16", 26, 122, "podCIDRv6: '10.1.0.0/16' is not an IPv6 CIDR")]
    [InlineData("10.0.0.0/24", "fd00::1/64", 26, 122, "podCIDRv6: 'fd00::1/64' is not a valid CIDR (host bits are set; did you mean 'fd00::/64'?)")]
    [InlineData("10.0.0.0/24", null, 16, 122, "blockSizeV4: /16 must be between /20 and /32")]
    [InlineData("10.0.0.0/24", null, 33, 122, "blockSizeV4: /33 must be between /20 and /32")]
    [InlineData("10.0.0.0/28", null, 26, 122, "blockSizeV4: /26 blocks do not fit in podCIDR 10.0.0.0/28")]
    [InlineData("10.0.0.0/24", "fd00::/124", 26, 122, "blockSizeV6: /122 blocks do not fit in podCIDRv6 fd00::/124")]
    [InlineData("10.0.0.0/24", "fd00::/64", 26, 64, "blockSizeV6: /64 must be between /116 and /128")]
    public void Invalid_settings_name_the_field(string v4, string? v6, int size4, int size6, string message)
    {
        var e = Assert.Throws<IpamException>(() => IpamConfig.Create(v4, v6, size4, size6));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Negative_grace_is_rejected()
    {
        var e = Assert.Throws<IpamException>(() => IpamConfig.Create(emptyBlockGrace: TimeSpan.FromSeconds(-1)));
        Assert.StartsWith("emptyBlockGrace:", e.Message);
    }
}
