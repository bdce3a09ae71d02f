using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Weft.Core.Cni;

/// <summary>Canonical result ↔ per-version wire shapes (the libcni conversion rules).</summary>
internal static class CniResultConverter
{
    public static string ToJson(CniResult result, string cniVersion)
    {
        if (!CniVersions.IsSupported(cniVersion))
        {
            throw new ArgumentException($"cniVersion \"{cniVersion}\" is not supported", nameof(cniVersion));
        }

        var dns = result.Dns is { IsEmpty: false } d ? d : null;
        var ctx = CniJsonContext.Output;
        switch (cniVersion)
        {
            case "0.1.0" or "0.2.0":
                return JsonSerializer.Serialize(ToV02(result, cniVersion, dns), ctx.ResultV02Wire);
            case "0.3.0" or "0.3.1" or "0.4.0":
                return JsonSerializer.Serialize(ToV03(result, cniVersion, dns), ctx.ResultV03Wire);
            default:
                return JsonSerializer.Serialize(new ResultV1Wire
                {
                    CniVersion = cniVersion,
                    Interfaces = NullIfEmpty(result.Interfaces),
                    Ips = NullIfEmpty(result.Ips),
                    Routes = NullIfEmpty(result.Routes),
                    Dns = dns,
                }, ctx.ResultV1Wire);
        }
    }

    public static bool TryFromWire(ResultAnyWire? wire, string subject, [NotNullWhen(true)] out CniResult? result, [NotNullWhen(false)] out CniError? error)
    {
        result = null;
        if (wire is null)
        {
            error = Bad(subject, "is null, not an object");
            return false;
        }

        var parsed = new CniResult { Interfaces = wire.Interfaces ?? [], Routes = wire.Routes ?? [], Dns = wire.Dns };
        var useV02 = (wire.Ips is null || wire.Ips.Count == 0) && (wire.Ip4 is not null || wire.Ip6 is not null);
        error = useV02 ? ReadV02(wire, parsed, subject) : ReadIps(wire, parsed, subject);
        error ??= CheckRoutes(parsed.Routes, subject, "routes");
        if (error is not null)
        {
            return false;
        }

        result = parsed;
        return true;
    }

    private static ResultV03Wire ToV03(CniResult result, string cniVersion, CniDns? dns) => new()
    {
        CniVersion = cniVersion,
        Interfaces = NullIfEmpty(result.Interfaces.Select(i => new InterfaceV03Wire { Name = i.Name, Mac = i.Mac, Sandbox = i.Sandbox }).ToList()),
        Ips = NullIfEmpty(result.Ips.Select(ip => new IpConfigV03Wire
        {
            Version = IsV6(ip.Address) ? "6" : "4",
            Interface = ip.Interface,
            Address = ip.Address,
            Gateway = ip.Gateway,
        }).ToList()),
        Routes = NullIfEmpty(result.Routes),
        Dns = dns,
    };

    private static ResultV02Wire ToV02(CniResult result, string cniVersion, CniDns? dns)
    {
        IpV02Wire? FirstOfFamily(bool v6)
        {
            var ip = result.Ips.FirstOrDefault(i => IsV6(i.Address) == v6);
            return ip is null ? null : new IpV02Wire
            {
                Ip = ip.Address,
                Gateway = ip.Gateway,
                // libcni drops routes of a family that has no address in this shape.
                Routes = NullIfEmpty(result.Routes.Where(r => IsV6(r.Dst) == v6).ToList()),
            };
        }

        return new ResultV02Wire { CniVersion = cniVersion, Ip4 = FirstOfFamily(false), Ip6 = FirstOfFamily(true), Dns = dns };
    }

    private static CniError? ReadIps(ResultAnyWire wire, CniResult parsed, string subject)
    {
        var ips = wire.Ips ?? [];
        for (var i = 0; i < ips.Count; i++)
        {
            var ip = ips[i];
            var field = $"ips[{i}]";
            if (!IsCidr(ip.Address))
            {
                return Bad(subject, $"{field}.address \"{ip.Address}\" is not ADDRESS/PREFIX");
            }

            if (ip.Gateway is not null && !IPAddress.TryParse(ip.Gateway, out _))
            {
                return Bad(subject, $"{field}.gateway \"{ip.Gateway}\" is not an IP address");
            }

            if (ip.Interface is { } index && (index < 0 || index >= parsed.Interfaces.Count))
            {
                return Bad(subject, $"{field}.interface {index} is not an index into interfaces (count {parsed.Interfaces.Count})");
            }

            parsed.Ips.Add(new CniIpConfig { Interface = ip.Interface, Address = ip.Address, Gateway = ip.Gateway });
        }

        return null;
    }

    private static CniError? ReadV02(ResultAnyWire wire, CniResult parsed, string subject)
    {
        foreach (var (family, ip) in new[] { ("ip4", wire.Ip4), ("ip6", wire.Ip6) })
        {
            if (ip is null)
            {
                continue;
            }

            if (!IsCidr(ip.Ip))
            {
                return Bad(subject, $"{family}.ip \"{ip.Ip}\" is not ADDRESS/PREFIX");
            }

            if (ip.Gateway is not null && !IPAddress.TryParse(ip.Gateway, out _))
            {
                return Bad(subject, $"{family}.gateway \"{ip.Gateway}\" is not an IP address");
            }

            var error = CheckRoutes(ip.Routes ?? [], subject, $"{family}.routes");
            if (error is not null)
            {
                return error;
            }

            parsed.Ips.Add(new CniIpConfig { Address = ip.Ip, Gateway = ip.Gateway });
            parsed.Routes.AddRange(ip.Routes ?? []);
        }

        return null;
    }

    private static CniError? CheckRoutes(List<CniRoute> routes, string subject, string field)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            if (!IsCidr(routes[i].Dst))
            {
                return Bad(subject, $"{field}[{i}].dst \"{routes[i].Dst}\" is not ADDRESS/PREFIX");
            }

            if (routes[i].Gw is { } gw && !IPAddress.TryParse(gw, out _))
            {
                return Bad(subject, $"{field}[{i}].gw \"{gw}\" is not an IP address");
            }
        }

        return null;
    }

    private static bool IsCidr(string? text)
    {
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address) ||
            !int.TryParse(text.AsSpan(slash + 1), out var prefix))
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        return prefix >= 0 && prefix <= max;
    }

    // Only called on validated or agent-produced text, so "has a colon" is enough to tell the family.
    private static bool IsV6(string? address) => address?.Contains(':', StringComparison.Ordinal) == true;

    private static List<T>? NullIfEmpty<T>(List<T> items) => items.Count == 0 ? null : items;

    private static CniError Bad(string subject, string problem) => new(CniErrorCodes.DecodingFailure, $"invalid {subject}: {problem}");
}
