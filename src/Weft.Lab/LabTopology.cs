using System.Net;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;

namespace Weft.Lab;

/// <summary>
/// The lab's wiring, all inside namespaces it creates: a fabric namespace holding one bridge (the
/// underlay switch), and per node a namespace whose eth0 is a veth into that bridge. Nothing is added to
/// the machine's root namespace, so no lab packet can leave the machine.
/// </summary>
public static class LabTopology
{
    private const string Bridge = "br0";

    public static void Create(LabPaths paths, LabSpec spec)
    {
        using var fabric = NetNamespace.Create(paths.FabricNetns);
        using var f = fabric.Run(RtNetlink.Open);
        f.SetUp(f.GetLink("lo")!.Index);
        f.CreateBridge(Bridge);
        var br = f.GetLink(Bridge)!;
        f.SetUp(br.Index);

        for (var i = 0; i < spec.Nodes; i++)
        {
            var node = spec.NodeNames[i];
            using var ns = NetNamespace.Create(paths.NodeNetns(node));
            var port = "n-" + node;
            // The node end is created directly in the node namespace, already named eth0.
            f.CreateVeth(port, "eth0", ns.Handle, 1500);
            var p = f.GetLink(port)!;
            f.SetMaster(p.Index, br.Index);
            f.SetUp(p.Index);

            using var n = ns.Run(RtNetlink.Open);
            n.SetUp(n.GetLink("lo")!.Index);
            var eth0 = n.GetLink("eth0")!;
            n.AddAddress(eth0.Index, LabSpec.NodeIPv4(i + 1), LabSpec.UnderlayPrefixV4);
            if (spec.Ipv6PodCidr is not null)
            {
                n.AddAddress(eth0.Index, LabSpec.NodeIPv6(i + 1), LabSpec.UnderlayPrefixV6, noDad: true);
            }
            n.SetUp(eth0.Index);
        }
    }

    /// <summary>Removes every namespace of the lab (nodes, pods, fabric); the kernel removes their interfaces with them.</summary>
    public static int Destroy(LabPaths paths)
    {
        var removed = 0;
        foreach (var name in NetNamespace.List().Where(n => n.StartsWith(paths.NetnsPrefix, StringComparison.Ordinal)))
        {
            NetNamespace.Delete(name);
            removed++;
        }
        return removed;
    }

    public static IPAddress NodeIp(LabSpec spec, string node) => LabSpec.NodeIPv4(spec.NodeNames.ToList().IndexOf(node) + 1);
}
