using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Weft.Ipam;

/// <summary>
/// CIDR arithmetic on <see cref="IPNetwork"/>: addresses are treated as unsigned integers
/// (<see cref="UInt128"/> holds both families), so a pool splits into numbered blocks and a block into
/// numbered addresses.
/// </summary>
public static class Cidr
{
    /// <summary>Parses "a.b.c.d/n" or "x::y/n"; false when the text is not a CIDR or has host bits set.</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (!TryParseParts(text, out var address, out var prefix) || !Truncate(address, prefix).Equals(address))
        {
            return false;
        }
        network = new IPNetwork(address, prefix);
        return true;
    }

    /// <summary>The family of a network: <see cref="IpFamily.IPv4"/> or <see cref="IpFamily.IPv6"/>.</summary>
    public static IpFamily FamilyOf(IPNetwork network) => FamilyOf(network.BaseAddress);

    /// <summary>The family of an address.</summary>
    public static IpFamily FamilyOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? IpFamily.IPv4 : IpFamily.IPv6;

    /// <summary>Number of addresses in the network, saturated at <see cref="UInt128.MaxValue"/> for ::/0.</summary>
    public static UInt128 AddressCount(IPNetwork network) => Pow2(HostBits(network));

    /// <summary>Number of /<paramref name="blockPrefix"/> blocks in <paramref name="pool"/> (0 if they do not fit).</summary>
    public static UInt128 BlockCount(IPNetwork pool, int blockPrefix) =>
        blockPrefix < pool.PrefixLength || blockPrefix > BitsOf(pool.BaseAddress.AddressFamily)
            ? UInt128.Zero
            : Pow2(blockPrefix - pool.PrefixLength);

    /// <summary>The <paramref name="index"/>-th /<paramref name="blockPrefix"/> block of <paramref name="pool"/>.</summary>
    public static IPNetwork BlockAt(IPNetwork pool, int blockPrefix, UInt128 index)
    {
        if (index >= BlockCount(pool, blockPrefix))
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{pool} has no /{blockPrefix} block number {index}");
        }
        var bits = BitsOf(pool.BaseAddress.AddressFamily);
        var start = ToNumber(pool.BaseAddress) + (index << (bits - blockPrefix));
        return new IPNetwork(FromNumber(start, pool.BaseAddress.AddressFamily), blockPrefix);
    }

    /// <summary>Index of the /<paramref name="blockPrefix"/> block of <paramref name="pool"/> that holds <paramref name="address"/>.</summary>
    public static UInt128 BlockIndexOf(IPNetwork pool, int blockPrefix, IPAddress address)
    {
        if (!pool.Contains(address))
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"{address} is not in {pool}");
        }
        var bits = BitsOf(pool.BaseAddress.AddressFamily);
        return (ToNumber(address) - ToNumber(pool.BaseAddress)) >> (bits - blockPrefix);
    }

    /// <summary>Every /<paramref name="blockPrefix"/> block of <paramref name="pool"/>, in address order (lazily).</summary>
    public static IEnumerable<IPNetwork> Blocks(IPNetwork pool, int blockPrefix)
    {
        var count = BlockCount(pool, blockPrefix);
        for (var i = UInt128.Zero; i < count; i++)
        {
            yield return BlockAt(pool, blockPrefix, i);
        }
    }

    /// <summary>The <paramref name="n"/>-th address of the network (0 = the base address).</summary>
    public static IPAddress NthAddress(IPNetwork network, UInt128 n)
    {
        if (n >= AddressCount(network))
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"{network} has no address number {n}");
        }
        return FromNumber(ToNumber(network.BaseAddress) + n, network.BaseAddress.AddressFamily);
    }

    /// <summary>Position of <paramref name="address"/> inside the network (inverse of <see cref="NthAddress"/>).</summary>
    public static UInt128 OffsetOf(IPNetwork network, IPAddress address) =>
        network.Contains(address)
            ? ToNumber(address) - ToNumber(network.BaseAddress)
            : throw new ArgumentOutOfRangeException(nameof(address), $"{address} is not in {network}");

    /// <summary>True when <paramref name="inner"/> lies entirely inside <paramref name="outer"/>.</summary>
    public static bool Contains(IPNetwork outer, IPNetwork inner) =>
        inner.PrefixLength >= outer.PrefixLength && outer.Contains(inner.BaseAddress);

    /// <summary>True when the two networks share at least one address.</summary>
    public static bool Overlaps(IPNetwork a, IPNetwork b) => Contains(a, b) || Contains(b, a);

    /// <summary>
    /// Encodes a CIDR as an object name: '.', ':' and '/' become '-' ("10-233-64-0-26", "fd00-10--40-122").
    /// A v6 address that starts with "::" is written with a leading "0" so the name starts alphanumeric.
    /// </summary>
    public static string ToName(IPNetwork network)
    {
        var address = network.BaseAddress.ToString();
        if (network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 && address.Contains('.', StringComparison.Ordinal))
        {
            address = DottedTailToHex(address);
        }
        if (address.StartsWith("::", StringComparison.Ordinal))
        {
            address = "0" + address;
        }
        return address.Replace('.', '-').Replace(':', '-') + "-" + network.PrefixLength.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Decodes a name made by <see cref="ToName"/>; false for anything else (including non-canonical spellings).</summary>
    public static bool TryParseName(string? name, out IPNetwork network)
    {
        network = default;
        var dash = name?.LastIndexOf('-') ?? -1;
        if (name is null || dash <= 0)
        {
            return false;
        }
        var head = name[..dash];
        var tail = name[(dash + 1)..];
        // Four decimal parts can only be IPv4: IPv6 text with three colons and no "::" is not valid.
        var parts = head.Split('-');
        var text = parts.Length == 4 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit))
            ? string.Join('.', parts) + "/" + tail
            : head.Replace('-', ':') + "/" + tail;
        return TryParse(text, out network) && ToName(network) == name;
    }

    /// <summary>Decodes a block name; throws <see cref="FormatException"/> naming the value when it is not one.</summary>
    public static IPNetwork ParseName(string name) =>
        TryParseName(name, out var network) ? network : throw new FormatException($"'{name}' is not an encoded CIDR name");

    /// <summary>Parses a CIDR; throws <see cref="FormatException"/> naming the value when it is not one.</summary>
    public static IPNetwork Parse(string text) =>
        TryParse(text, out var network) ? network : throw new FormatException($"'{text}' is not a valid CIDR");

    internal static int BitsOf(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    internal static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        var n = UInt128.Zero;
        for (var i = 0; i < written; i++)
        {
            n = (n << 8) | bytes[i];
        }
        return n;
    }

    internal static IPAddress FromNumber(UInt128 n, AddressFamily family)
    {
        var bytes = new byte[family == AddressFamily.InterNetwork ? 4 : 16];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(n & 0xff);
            n >>= 8;
        }
        return new IPAddress(bytes);
    }

    private static int HostBits(IPNetwork network) => BitsOf(network.BaseAddress.AddressFamily) - network.PrefixLength;

    private static UInt128 Pow2(int bits) => bits >= 128 ? UInt128.MaxValue : UInt128.One << bits;

    private static IPAddress Truncate(IPAddress address, int prefix)
    {
        var bits = BitsOf(address.AddressFamily);
        var hostBits = bits - prefix;
        var mask = hostBits >= 128 ? UInt128.Zero : UInt128.MaxValue << hostBits;
        return FromNumber(ToNumber(address) & mask, address.AddressFamily);
    }

    /// <summary>"::ffff:10.0.0.1" → "::ffff:a00:1": .NET prints IPv4-compatible and -mapped addresses with a dotted tail.</summary>
    private static string DottedTailToHex(string address)
    {
        var colon = address.LastIndexOf(':');
        var b = IPAddress.Parse(address.AsSpan(colon + 1)).GetAddressBytes();
        return string.Create(CultureInfo.InvariantCulture, $"{address[..(colon + 1)]}{(b[0] << 8) | b[1]:x}:{(b[2] << 8) | b[3]:x}");
    }

    /// <summary>For "10.0.0.1/24" gives "10.0.0.0/24": the CIDR the user probably meant.</summary>
    internal static bool TryGetSuggestion(string text, [NotNullWhen(true)] out string? suggestion)
    {
        suggestion = null;
        if (!TryParseParts(text, out var address, out var prefix))
        {
            return false;
        }
        var truncated = Truncate(address, prefix);
        suggestion = truncated.Equals(address) ? null : $"{truncated}/{prefix}";
        return suggestion is not null;
    }

    private static bool TryParseParts(string? text, [NotNullWhen(true)] out IPAddress? address, out int prefix)
    {
        address = null;
        prefix = 0;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash < 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
            || prefix > BitsOf(address.AddressFamily)
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            return false;
        }
        // IPAddress also accepts "10.1" and "010.0.0.1" (octal); a CIDR must spell all four decimal parts.
        return address.AddressFamily != AddressFamily.InterNetwork || address.ToString() == text[..slash];
    }
}
