using System.Net;
using System.Net.Sockets;
using static Weft.Linux.Netlink.Protocol.IfLinkConstants;
using static Weft.Linux.Netlink.Protocol.RtnetlinkConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Argument checks that turn kernel EINVALs into messages naming the field and value.</summary>
internal static class Validate
{
    public static void InterfaceName(string name, string field)
    {
        if (string.IsNullOrEmpty(name) || name.Length >= IFNAMSIZ || name is "." or ".."
            || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException($"{field} '{name}' is not a valid interface name (1-{IFNAMSIZ - 1} characters, no '/', ':' or spaces)", field);
        }
    }

    public static void EthernetMac(byte[]? mac, string field)
    {
        if (mac is not null && mac.Length != 6)
        {
            throw new ArgumentException($"{field} has {mac.Length} bytes; an Ethernet MAC has 6", field);
        }
    }

    public static void IfIndex(int index, string field)
    {
        if (index <= 0)
        {
            throw new ArgumentOutOfRangeException(field, index, $"{field} must be a positive interface index");
        }
    }

    public static void Mtu(int mtu, string field)
    {
        if (mtu is < 68 or > 65535)
        {
            throw new ArgumentOutOfRangeException(field, mtu, $"{field} {mtu} is outside 68-65535");
        }
    }

    public static void PrefixLength(IPAddress address, int prefixLength, string field)
    {
        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max)
        {
            throw new ArgumentOutOfRangeException(field, prefixLength, $"{field} {prefixLength} is outside 0-{max} for {address}");
        }
    }

    /// <summary>The kernel address family (AF_INET/AF_INET6) of <paramref name="address"/>.</summary>
    public static byte Family(IPAddress address, string field) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentException($"{field} {address} is neither IPv4 nor IPv6", field),
    };

    /// <summary>AF_UNSPEC, AF_INET or AF_INET6 for a dump filter.</summary>
    public static byte Family(AddressFamily family, string field) => family switch
    {
        AddressFamily.Unspecified => AF_UNSPEC,
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentException($"{field} {family} is not Unspecified, InterNetwork or InterNetworkV6", field),
    };

    /// <summary>A MAC as "aa:bb:cc:dd:ee:ff" for messages.</summary>
    public static string Mac(byte[]? mac) => mac is null ? "none" : string.Join(':', mac.Select(b => b.ToString("x2")));
}
