using System.Net;
using System.Net.Sockets;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;

namespace Weft.Dataplane;

/// <summary>What the agent wants for one pod interface; <see cref="Mac"/> ("0a:58:…") fixes the pod end's MAC.</summary>
public sealed record PodAttachment(
    string ContainerId,
    string IfName,
    string NetnsPath,
    IReadOnlyList<IPAddress> Addresses,
    int Mtu,
    string? Mac = null);

/// <summary>What was made, for the CNI result.</summary>
public sealed record AttachResult(
    string HostIfName,
    string HostMac,
    string PodIfName,
    string PodMac,
    int Mtu);

/// <summary>
/// Wires one pod into the node: a veth whose pod end is created directly inside the pod's netns
/// (moving it afterwards holds rtnl through an RCU barrier, which is what makes pod bursts slow),
/// /32 and /128 addresses, a default route through a link-local gateway that the host end answers
/// for with a fixed MAC, and a host route to each pod address.
///
/// Call from the node's network namespace (the agent process runs there). Safe to call concurrently
/// for different attachments.
/// </summary>
public sealed class PodNetwork(RtNetlink node)
{
    public AttachResult Attach(PodAttachment a)
    {
        var hostName = KernelOwnership.HostVethName(a.ContainerId, a.IfName);
        using var podNs = OpenNetns(a.NetnsPath);
        using var pod = podNs.Run(RtNetlink.Open);

        if (pod.GetLink(a.IfName) is not null)
        {
            throw new DataplaneException($"interface '{a.IfName}' already exists in netns {a.NetnsPath}");
        }

        // A host veth with this name can only be a leftover of an earlier failed ADD of the same attachment.
        node.DeleteLink(hostName);
        node.CreateVeth(hostName, a.IfName, podNs.Handle, a.Mtu, KernelOwnership.GatewayMac.GetAddressBytes(),
            a.Mac is null ? null : Convert.FromHexString(a.Mac.Replace(":", "", StringComparison.Ordinal)));
        var ok = false;
        try
        {
            var podLink = pod.GetLink(a.IfName)
                ?? throw new DataplaneException($"veth peer '{a.IfName}' did not appear in netns {a.NetnsPath}");
            ConfigurePodSide(pod, podLink.Index, a.Addresses);

            var hostLink = node.GetLink(hostName)
                ?? throw new DataplaneException($"host veth '{hostName}' vanished while it was being configured");
            node.SetUp(hostLink.Index);
            foreach (var ip in a.Addresses)
            {
                node.ReplaceRoute(new RouteSpec(
                    new IPNetwork(ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128),
                    Gateway: null, OutIfIndex: hostLink.Index, Protocol: KernelOwnership.RouteProtocol,
                    Scope: RouteScope.Link, OnLink: false));
                // A static entry saves the first ARP/ND round trip of every flow to the pod.
                node.ReplaceNeighbor(hostLink.Index, ip, podLink.Mac ?? throw new DataplaneException($"'{a.IfName}' in {a.NetnsPath} has no MAC"), permanent: true);
            }
            ok = true;
            return new AttachResult(hostName, FormatMac(hostLink.Mac), a.IfName, FormatMac(podLink.Mac), a.Mtu);
        }
        finally
        {
            if (!ok)
            {
                node.DeleteLink(hostName);
            }
        }
    }

    private static void ConfigurePodSide(RtNetlink pod, int index, IReadOnlyList<IPAddress> addresses)
    {
        var gwMac = KernelOwnership.GatewayMac.GetAddressBytes();
        foreach (var ip in addresses)
        {
            var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
            // No DAD: the address is ours by IPAM, and DAD would hold the pod for 1-3 s.
            pod.AddAddress(index, ip, v4 ? 32 : 128, noDad: true);
        }
        pod.SetUp(index);
        foreach (var family in addresses.Select(ip => ip.AddressFamily).Distinct())
        {
            var v4 = family == AddressFamily.InterNetwork;
            var gw = v4 ? KernelOwnership.GatewayV4 : KernelOwnership.GatewayV6;
            pod.ReplaceNeighbor(index, gw, gwMac, permanent: true);
            pod.ReplaceRoute(new RouteSpec(
                v4 ? new IPNetwork(IPAddress.Any, 0) : new IPNetwork(IPAddress.IPv6Any, 0),
                Gateway: gw, OutIfIndex: index, Protocol: KernelOwnership.RouteProtocol,
                Scope: RouteScope.Universe, OnLink: true));
        }
    }

    /// <summary>Removes the pod's host veth (the kernel removes its peer and routes with it). False when already gone.</summary>
    public bool Detach(string containerId, string ifName) =>
        node.DeleteLink(KernelOwnership.HostVethName(containerId, ifName));

    /// <summary>Removes a host veth found stale by a sweep.</summary>
    public bool DetachByName(string hostVethName) =>
        hostVethName.StartsWith(KernelOwnership.InterfacePrefix, StringComparison.Ordinal) && node.DeleteLink(hostVethName);

    /// <summary>Null when the attachment is as Attach left it, else what is wrong.</summary>
    public string? Check(PodAttachment a)
    {
        var hostName = KernelOwnership.HostVethName(a.ContainerId, a.IfName);
        var host = node.GetLink(hostName);
        if (host is null)
        {
            return $"host veth '{hostName}' is missing";
        }
        if (!host.IsUp)
        {
            return $"host veth '{hostName}' is down";
        }
        if (!File.Exists(a.NetnsPath))
        {
            return $"netns {a.NetnsPath} is gone";
        }
        using var podNs = OpenNetns(a.NetnsPath);
        using var pod = podNs.Run(RtNetlink.Open);
        var link = pod.GetLink(a.IfName);
        if (link is null)
        {
            return $"interface '{a.IfName}' is missing in netns {a.NetnsPath}";
        }
        var have = pod.ListAddresses(link.Index).Select(x => x.Address).ToHashSet();
        foreach (var ip in a.Addresses)
        {
            if (!have.Contains(ip))
            {
                return $"address {ip} is missing on '{a.IfName}' in netns {a.NetnsPath}";
            }
        }
        var routes = node.ListRoutes(AddressFamily.Unspecified, protocol: KernelOwnership.RouteProtocol);
        foreach (var ip in a.Addresses)
        {
            if (!routes.Any(r => r.OutIfIndex == host.Index && r.Destination.BaseAddress.Equals(ip)))
            {
                return $"host route to {ip} via '{hostName}' is missing";
            }
        }
        return null;
    }

    /// <summary>Names of Weft's pod veths that exist on this node.</summary>
    public IReadOnlyList<string> ListHostVeths() =>
        [.. node.ListLinks()
            .Where(l => l.Kind == "veth" && l.Name.StartsWith(KernelOwnership.InterfacePrefix, StringComparison.Ordinal))
            .Select(l => l.Name)];

    private static NetNamespace OpenNetns(string path)
    {
        try
        {
            return NetNamespace.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SystemException)
        {
            throw new DataplaneException($"cannot open netns {path}: {e.Message}", e);
        }
    }

    internal static string FormatMac(byte[]? mac) => mac is null ? "" : FormatMacBytes(mac);

    private static string FormatMacBytes(byte[] mac) => string.Join(':', mac.Select(b => b.ToString("x2")));
}

public sealed class DataplaneException(string message, Exception? inner = null) : Exception(message, inner);
