using System.Globalization;
using System.Text.Json.Nodes;

namespace Weft.Policy.Cilium;

/// <summary>The ICMP type names Cilium's icmps fields accept, per family (IANA numbers).</summary>
internal static class CiliumIcmpTypes
{
    private static readonly Dictionary<string, int> V4 = new(StringComparer.Ordinal)
    {
        ["EchoReply"] = 0,
        ["DestinationUnreachable"] = 3,
        ["Redirect"] = 5,
        ["Echo"] = 8,
        ["EchoRequest"] = 8,
        ["RouterAdvertisement"] = 9,
        ["RouterSelection"] = 10,
        ["TimeExceeded"] = 11,
        ["ParameterProblem"] = 12,
        ["Timestamp"] = 13,
        ["TimestampReply"] = 14,
        ["Photuris"] = 40,
        ["ExtendedEchoRequest"] = 42,
        ["ExtendedEchoReply"] = 43,
    };

    private static readonly Dictionary<string, int> V6 = new(StringComparer.Ordinal)
    {
        ["DestinationUnreachable"] = 1,
        ["PacketTooBig"] = 2,
        ["TimeExceeded"] = 3,
        ["ParameterProblem"] = 4,
        ["EchoRequest"] = 128,
        ["EchoReply"] = 129,
        ["MulticastListenerQuery"] = 130,
        ["MulticastListenerReport"] = 131,
        ["MulticastListenerDone"] = 132,
        ["RouterSolicitation"] = 133,
        ["RouterAdvertisement"] = 134,
        ["NeighborSolicitation"] = 135,
        ["NeighborAdvertisement"] = 136,
        ["RedirectMessage"] = 137,
        ["RouterRenumbering"] = 138,
        ["ICMPNodeInformationQuery"] = 139,
        ["ICMPNodeInformationResponse"] = 140,
        ["InverseNeighborDiscoverySolicitation"] = 141,
        ["InverseNeighborDiscoveryAdvertisement"] = 142,
        ["HomeAgentAddressDiscoveryRequest"] = 144,
        ["HomeAgentAddressDiscoveryReply"] = 145,
        ["MobilePrefixSolicitation"] = 146,
        ["MobilePrefixAdvertisement"] = 147,
        ["DuplicateAddressRequestCodeSuffix"] = 157,
        ["DuplicateAddressConfirmationCodeSuffix"] = 158,
        ["ExtendedEchoRequest"] = 160,
        ["ExtendedEchoReply"] = 161,
    };

    /// <summary>The type number of an integer 0–255, a decimal string, or a name of <paramref name="family"/>; null otherwise.</summary>
    public static int? Parse(JsonNode node, string family)
    {
        if (CiliumJson.Integer(node) is { } number)
        {
            return number is >= 0 and <= 255 ? (int)number : null;
        }
        var text = CiliumJson.Text(node);
        if (text is null)
        {
            return null;
        }
        if (text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit))
        {
            var value = int.Parse(text, CultureInfo.InvariantCulture);
            return value <= 255 ? value : null;
        }
        return (family == "IPv6" ? V6 : V4).TryGetValue(text, out var type) ? type : null;
    }
}
