using System.Net;
using System.Net.Sockets;

namespace Weft.Policy.Ir;

/// <summary>An IPv4 or IPv6 prefix. Host bits are cleared on parse, so "10.0.0.7/8" is 10.0.0.0/8.</summary>
public sealed record Cidr(IPAddress Network, int PrefixLength)
{
    /// <summary>Parses "a.b.c.d/n" or "x::/n"; returns null when the text is not a CIDR.</summary>
    public static Cidr? TryParse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var prefix))
        {
            return null;
        }
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits || text[..slash].Contains('%', StringComparison.Ordinal))
        {
            return null;
        }
        return new Cidr(Mask(address, prefix), prefix);
    }

    /// <summary>True when the text names a network address, with no bits set after the prefix.</summary>
    public static bool IsCanonical(string text) =>
        TryParse(text) is { } c && IPAddress.Parse(text[..text.IndexOf('/', StringComparison.Ordinal)]).Equals(c.Network);

    public bool Contains(IPAddress address) =>
        address.AddressFamily == Network.AddressFamily && Mask(address, PrefixLength).Equals(Network);

    /// <summary>True when <paramref name="other"/> lies inside this prefix and is strictly longer.</summary>
    public bool StrictlyContains(Cidr other) => other.PrefixLength > PrefixLength && Contains(other.Network);

    public override string ToString() => $"{Network}/{PrefixLength}";

    /// <summary>The prefix of length <paramref name="prefix"/> that contains <paramref name="address"/> (host bits cleared).</summary>
    public static Cidr Containing(IPAddress address, int prefix) => new(Mask(address, prefix), prefix);

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
