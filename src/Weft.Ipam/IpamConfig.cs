using System.Globalization;
using System.Net;

namespace Weft.Ipam;

/// <summary>
/// Validated IPAM settings: the cluster pod CIDR (IPv4, required), an optional IPv6 pod CIDR for
/// dual-stack, and the block size per family. Every node of a cluster must use the same values.
/// </summary>
public sealed class IpamConfig
{
    public const string DefaultPodCidr = "10.233.64.0/18";
    public const int DefaultBlockSizeV4 = 26;
    public const int DefaultBlockSizeV6 = 122;

    /// <summary>Block prefix limits: a block holds 1 to 4096 addresses (the allocator keeps one flag per address).</summary>
    public const int MinBlockSizeV4 = 20;
    public const int MinBlockSizeV6 = 116;

    /// <summary>How long a block must stay empty before the node gives it back (see NodeAllocator.ReleaseEmptyBlocksAsync).</summary>
    public static readonly TimeSpan DefaultEmptyBlockGrace = TimeSpan.FromSeconds(60);

    private IpamConfig(IPNetwork podCidr, IPNetwork? podCidrV6, int blockSizeV4, int blockSizeV6, TimeSpan grace)
    {
        PodCidr = podCidr;
        PodCidrV6 = podCidrV6;
        BlockSizeV4 = blockSizeV4;
        BlockSizeV6 = blockSizeV6;
        EmptyBlockGrace = grace;
        Families = podCidrV6 is null ? [IpFamily.IPv4] : [IpFamily.IPv4, IpFamily.IPv6];
    }

    /// <summary>The IPv4 pod CIDR (field "podCIDR").</summary>
    public IPNetwork PodCidr { get; }

    /// <summary>The IPv6 pod CIDR (field "podCIDRv6"), or null for IPv4 only.</summary>
    public IPNetwork? PodCidrV6 { get; }

    /// <summary>Prefix length of IPv4 blocks (field "blockSizeV4").</summary>
    public int BlockSizeV4 { get; }

    /// <summary>Prefix length of IPv6 blocks (field "blockSizeV6").</summary>
    public int BlockSizeV6 { get; }

    /// <summary>Suggested grace for releasing empty blocks (field "emptyBlockGrace").</summary>
    public TimeSpan EmptyBlockGrace { get; }

    /// <summary>The families every pod gets an address of, IPv4 first.</summary>
    public IReadOnlyList<IpFamily> Families { get; }

    /// <summary>The pool of a family.</summary>
    public IPNetwork PoolOf(IpFamily family) => family == IpFamily.IPv4
        ? PodCidr
        : PodCidrV6 ?? throw new InvalidOperationException("IPv6 is not configured (podCIDRv6 is empty)");

    /// <summary>The block prefix length of a family.</summary>
    public int BlockSizeOf(IpFamily family) => family == IpFamily.IPv4 ? BlockSizeV4 : BlockSizeV6;

    /// <summary>
    /// Validates and builds a configuration. Throws <see cref="IpamException"/> whose message starts with
    /// the field name, e.g. "podCIDR: '10.0.0.0/40' is not a valid CIDR".
    /// </summary>
    public static IpamConfig Create(
        string podCidr = DefaultPodCidr,
        string? podCidrV6 = null,
        int blockSizeV4 = DefaultBlockSizeV4,
        int blockSizeV6 = DefaultBlockSizeV6,
        TimeSpan? emptyBlockGrace = null)
    {
        var v4 = ParsePool("podCIDR", podCidr, IpFamily.IPv4);
        CheckBlockSize("blockSizeV4", blockSizeV4, MinBlockSizeV4, 32, "podCIDR", v4);
        IPNetwork? v6 = null;
        if (!string.IsNullOrWhiteSpace(podCidrV6))
        {
            v6 = ParsePool("podCIDRv6", podCidrV6, IpFamily.IPv6);
            CheckBlockSize("blockSizeV6", blockSizeV6, MinBlockSizeV6, 128, "podCIDRv6", v6.Value);
        }
        var grace = emptyBlockGrace ?? DefaultEmptyBlockGrace;
        if (grace < TimeSpan.Zero)
        {
            throw new IpamException($"emptyBlockGrace: {grace} must not be negative");
        }
        return new IpamConfig(v4, v6, blockSizeV4, blockSizeV6, grace);
    }

    public override string ToString() =>
        $"podCIDR={PodCidr}/blocks /{BlockSizeV4}" + (PodCidrV6 is { } v6 ? $", podCIDRv6={v6}/blocks /{BlockSizeV6}" : "");

    private static IPNetwork ParsePool(string field, string? text, IpFamily family)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw new IpamException($"{field}: is required");
        }
        if (!Cidr.TryParse(text, out var pool))
        {
            var hint = Cidr.TryGetSuggestion(text, out var suggestion) ? $" (host bits are set; did you mean '{suggestion}'?)" : "";
            throw new IpamException($"{field}: '{text}' is not a valid CIDR{hint}");
        }
        if (Cidr.FamilyOf(pool) != family)
        {
            throw new IpamException($"{field}: '{text}' is not an {family} CIDR");
        }
        return pool;
    }

    private static void CheckBlockSize(string field, int size, int min, int max, string poolField, IPNetwork pool)
    {
        var text = size.ToString(CultureInfo.InvariantCulture);
        if (size < min || size > max)
        {
            throw new IpamException($"{field}: /{text} must be between /{min} and /{max}");
        }
        if (size < pool.PrefixLength)
        {
            throw new IpamException($"{field}: /{text} blocks do not fit in {poolField} {pool}");
        }
    }
}
