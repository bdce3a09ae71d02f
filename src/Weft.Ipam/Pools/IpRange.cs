using System.Net;
using System.Net.Sockets;

namespace Weft.Ipam.Pools;

/// <summary>An inclusive range of addresses of one family ("10.0.0.10-10.0.0.20", or a CIDR's span).</summary>
public sealed record IpRange(IPAddress First, IPAddress Last)
{
    public IpFamily Family => Cidr.FamilyOf(First);

    public bool Contains(IPAddress address) =>
        address.AddressFamily == First.AddressFamily && Compare(First, address) <= 0 && Compare(address, Last) <= 0;

    public static IpRange Of(IPNetwork network) => new(network.BaseAddress, Cidr.NthAddress(network, Cidr.AddressCount(network) - 1));

    /// <summary>
    /// "10.0.0.0/24", "10.0.0.10-10.0.0.20" (Antrea and Weft) or "10.0.0.10..10.0.0.20" (Kube-OVN), or one
    /// address; null when <paramref name="text"/> is none of these or mixes families.
    /// </summary>
    public static IpRange? TryParse(string text)
    {
        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return Cidr.TryParse(text, out var network) ? Of(network) : null;
        }
        var separator = text.Contains("..", StringComparison.Ordinal) ? ".." : "-";
        var parts = text.Split(separator, 2, StringSplitOptions.TrimEntries);
        if (!IPAddress.TryParse(parts[0], out var first))
        {
            return null;
        }
        if (parts.Length == 1)
        {
            return new IpRange(first, first);
        }
        return IPAddress.TryParse(parts[1], out var last) && last.AddressFamily == first.AddressFamily && Compare(first, last) <= 0
            ? new IpRange(first, last)
            : null;
    }

    public override string ToString() => First.Equals(Last) ? First.ToString() : $"{First}-{Last}";

    /// <summary>Orders two addresses of one family numerically.</summary>
    public static int Compare(IPAddress a, IPAddress b)
    {
        if (a.AddressFamily != b.AddressFamily)
        {
            return a.AddressFamily == AddressFamily.InterNetwork ? -1 : 1;
        }
        return a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());
    }
}
