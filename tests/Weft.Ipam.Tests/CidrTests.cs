using System.Net;

namespace Weft.Ipam.Tests;

public class CidrTests
{
    [Theory]
    [InlineData("10.233.64.0/18", true)]
    [InlineData("10.0.0.0/0", false)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("10.0.0.1/24", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("10.0.0.0/-1", false)]
    [InlineData("10.1/16", false)]
    [InlineData("10.0.0.0", false)]
    [InlineData("fd00:10::/64", true)]
    [InlineData("fd00:10::1/64", false)]
    [InlineData("fd00::/129", false)]
    [InlineData("", false)]
    public void TryParse_accepts_only_canonical_cidrs(string text, bool ok)
    {
        Assert.Equal(ok, Cidr.TryParse(text, out var network));
        if (ok)
        {
            Assert.Equal(text, network.ToString());
        }
    }

    [Fact]
    public void Pool_splits_into_numbered_blocks()
    {
        var pool = Cidr.Parse("10.233.64.0/18");
        Assert.Equal((UInt128)256, Cidr.BlockCount(pool, 26));
        Assert.Equal("10.233.64.0/26", Cidr.BlockAt(pool, 26, 0).ToString());
        Assert.Equal("10.233.64.64/26", Cidr.BlockAt(pool, 26, 1).ToString());
        Assert.Equal("10.233.127.192/26", Cidr.BlockAt(pool, 26, 255).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.BlockAt(pool, 26, 256));
        Assert.Equal((UInt128)255, Cidr.BlockIndexOf(pool, 26, IPAddress.Parse("10.233.127.200")));

        var all = Cidr.Blocks(pool, 26).ToList();
        Assert.Equal(256, all.Count);
        Assert.Equal(256, all.Distinct().Count());
        Assert.All(all, b => Assert.True(Cidr.Contains(pool, b)));
    }

    [Fact]
    public void Block_count_is_zero_when_blocks_are_larger_than_the_pool()
    {
        Assert.Equal(UInt128.Zero, Cidr.BlockCount(Cidr.Parse("10.9.0.0/29"), 28));
        Assert.Equal((UInt128)2, Cidr.BlockCount(Cidr.Parse("10.9.0.0/29"), 30));
    }

    [Fact]
    public void Nth_address_and_offset_are_inverse_for_both_families()
    {
        var v4 = Cidr.Parse("10.233.64.64/26");
        Assert.Equal(IPAddress.Parse("10.233.64.64"), Cidr.NthAddress(v4, 0));
        Assert.Equal(IPAddress.Parse("10.233.64.127"), Cidr.NthAddress(v4, 63));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.NthAddress(v4, 64));
        Assert.Equal((UInt128)5, Cidr.OffsetOf(v4, IPAddress.Parse("10.233.64.69")));

        var v6 = Cidr.Parse("fd00:10::40/122");
        Assert.Equal(IPAddress.Parse("fd00:10::7f"), Cidr.NthAddress(v6, 63));
        Assert.Equal((UInt128)63, Cidr.OffsetOf(v6, IPAddress.Parse("fd00:10::7f")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.OffsetOf(v6, IPAddress.Parse("fd00:10::80")));
    }

    [Fact]
    public void Contains_and_overlaps()
    {
        var pool = Cidr.Parse("10.233.64.0/18");
        Assert.True(Cidr.Contains(pool, Cidr.Parse("10.233.64.0/26")));
        Assert.False(Cidr.Contains(pool, Cidr.Parse("10.233.128.0/26")));
        Assert.False(Cidr.Contains(Cidr.Parse("10.233.64.0/26"), pool));
        Assert.True(Cidr.Overlaps(Cidr.Parse("10.233.64.0/26"), pool));
        Assert.False(Cidr.Overlaps(pool, Cidr.Parse("fd00::/64")));
    }

    [Theory]
    [InlineData("10.233.64.0/26", "10-233-64-0-26")]
    [InlineData("10.233.127.192/26", "10-233-127-192-26")]
    [InlineData("fd00:10::40/122", "fd00-10--40-122")]
    [InlineData("fd00::/122", "fd00---122")]
    [InlineData("::1:0/122", "0--1-0-122")]
    [InlineData("2001:db8:1:2:3:4:5:0/122", "2001-db8-1-2-3-4-5-0-122")]
    [InlineData("::ffff:10.0.0.0/120", "0--ffff-a00-0-120")]
    public void Block_names_round_trip(string cidr, string name)
    {
        var network = Cidr.Parse(cidr);
        Assert.Equal(name, Cidr.ToName(network));
        Assert.Equal(network, Cidr.ParseName(name));
        Assert.DoesNotContain(':', name);
        Assert.DoesNotContain('/', name);
        Assert.True(char.IsAsciiLetterOrDigit(name[0]));
    }

    [Theory]
    [InlineData("10-233-64-1-26")]
    [InlineData("10-233-64-0")]
    [InlineData("FD00-10--40-122")]
    [InlineData("fd00-0-0-0-0-0-0-0-122")]
    [InlineData("node-a")]
    [InlineData("-26")]
    public void Non_canonical_or_foreign_names_are_rejected(string name)
    {
        Assert.False(Cidr.TryParseName(name, out _));
        Assert.Throws<FormatException>(() => Cidr.ParseName(name));
    }

    [Fact]
    public void Every_block_of_a_v6_pool_round_trips_through_its_name()
    {
        var pool = Cidr.Parse("fd00:10::/116");
        foreach (var block in Cidr.Blocks(pool, 122))
        {
            Assert.Equal(block, Cidr.ParseName(Cidr.ToName(block)));
        }
    }
}
