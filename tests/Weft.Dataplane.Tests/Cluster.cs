using System.Net;
using Weft.Dataplane.Policy;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Dataplane.Tests;

/// <summary>A small fixed cluster (namespaces x, y; pods x/a, x/b, y/a) and NetworkPolicy helpers.</summary>
internal static class Cluster
{
    public static readonly IPAddress XA = IPAddress.Parse("10.77.0.1"), XB = IPAddress.Parse("10.77.0.2"), YA = IPAddress.Parse("10.77.1.1");

    public static ClusterSnapshot Snapshot(IPAddress? xa = null, IPAddress? xb = null) => new(
        [Ns("x"), Ns("y")],
        [
            Pod("x", "a", xa ?? XA, [new PodPort("http", 80, L4Protocol.Tcp)]),
            Pod("x", "b", xb ?? XB, [new PodPort("http", 8080, L4Protocol.Tcp)]),
            Pod("y", "a", YA, [new PodPort("http", 80, L4Protocol.Tcp)]),
        ]);

    public static PolicySet Policies(params string[] json) =>
        NetworkPolicies.CompileAll(json.Select(ResourceJson.Parse).ToList());

    public static string Policy(string ns, string name, string spec) =>
        $$"""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"namespace":"{{ns}}","name":"{{name}}"},"spec":{{spec}}}""";

    public static LocalPod Local(string ns, string name, string veth, IPAddress ip) => new(ns, name, veth, [ip]);

    /// <summary>A TCP listener on pod x/b's address inside its namespace.</summary>
    public static System.Net.Sockets.Socket ListenOnXb(Weft.Linux.Netns.NetNamespace ns, int port)
    {
        var socket = ns.CreateSocket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(XB, port));
        socket.Listen();
        return socket;
    }

    /// <summary>Closes the handles and removes every namespace a kernel test made, also after a failure.</summary>
    public static void RemoveNamespaces(List<Weft.Linux.Netns.NetNamespace> handles, IEnumerable<string> names)
    {
        handles.ForEach(ns => ns.Dispose());
        foreach (var name in names.Where(Weft.Linux.Netns.NetNamespace.Exists))
        {
            Weft.Linux.Netns.NetNamespace.Delete(name);
        }
    }

    private static NamespaceInfo Ns(string name) =>
        new(name, new Dictionary<string, string> { [NamespaceView.NameLabel] = name, ["ns"] = name });

    private static PodInfo Pod(string ns, string name, IPAddress ip, IReadOnlyList<PodPort> ports) =>
        new(ns, name, new Dictionary<string, string> { ["pod"] = name }, [ip], ports);
}
