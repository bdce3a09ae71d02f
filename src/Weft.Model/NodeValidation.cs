using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>Node checks for what Weft's IPAM and tunnels read: pod CIDRs and the InternalIP address.</summary>
internal static class NodeValidation
{
    public static void Validate(Resource node, FieldErrors errors)
    {
        var spec = node.Body["spec"] as JsonObject;
        var cidrs = spec?["podCIDRs"];
        var parsed = new List<IPNetwork>();
        if (cidrs is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (JsonRead.String(list[i]) is { } text && TryParseCidr(text, out var network))
                {
                    parsed.Add(network);
                }
                else
                {
                    errors.Invalid($"spec.podCIDRs[{i}]", list[i], "must be a CIDR with no host bits set, e.g. 10.244.1.0/24");
                }
            }
            if (list.Count > 2)
            {
                errors.Add("spec.podCIDRs", $"Too many: {list.Count}: must have at most 2 items");
            }
            else if (parsed.Count == 2 && parsed[0].BaseAddress.AddressFamily == parsed[1].BaseAddress.AddressFamily)
            {
                errors.Invalid("spec.podCIDRs", list, "may specify no more than one CIDR for each IP family");
            }
        }
        else if (cidrs is not null)
        {
            errors.Invalid("spec.podCIDRs", cidrs, "must be a list");
        }

        // The API server keeps podCIDR as a copy of podCIDRs[0].
        if (spec?["podCIDR"] is { } single && cidrs is JsonArray { Count: > 0 } all
            && JsonRead.String(single) != JsonRead.String(all[0]))
        {
            errors.Invalid("spec.podCIDR", single, "must equal spec.podCIDRs[0]");
        }

        var addresses = (node.Body["status"] as JsonObject)?["addresses"] as JsonArray ?? [];
        for (var i = 0; i < addresses.Count; i++)
        {
            if (addresses[i] is JsonObject address && JsonRead.String(address["type"]) == "InternalIP"
                && !IsIPAddress(JsonRead.String(address["address"])))
            {
                errors.Invalid($"status.addresses[{i}].address", address["address"], "must be an IPv4 or IPv6 address");
            }
        }
    }

    private static bool TryParseCidr(string text, out IPNetwork network)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        network = default;
        return slash > 0 && IsIPAddress(text[..slash]) && IPNetwork.TryParse(text, out network)
            && network.BaseAddress.Equals(IPAddress.Parse(text[..slash]));
    }

    // IPAddress.TryParse also takes "10.1" or "10" as IPv4; Kubernetes only takes the dotted quad.
    private static bool IsIPAddress(string? text) =>
        text is not null && IPAddress.TryParse(text, out var ip) && !text.Contains('%', StringComparison.Ordinal)
        && (ip.AddressFamily == AddressFamily.InterNetworkV6 || (ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == text));
}
