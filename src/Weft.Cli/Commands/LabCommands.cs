using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Weft.Lab;
using Weft.Linux.Netns;
using Weft.Store.Etcd;

namespace Weft.Cli.Commands;

internal static class LabCommands
{
    public static async Task<int> RunAsync(string[] argv, CancellationToken ct)
    {
        var a = Args.Parse(argv);
        var sub = a.Positional.ElementAtOrDefault(0);
        switch (sub)
        {
            case "up":
                var spec = SpecFrom(a);
                a.RejectUnknown();
                await LabController.UpAsync(spec, SelfCommand(), m => Console.Error.WriteLine($"· {m}"), ct);
                Console.WriteLine($"lab '{spec.Name}' is up: {spec.Nodes} node(s), {spec.Mode} mode, pods from {spec.PodCidr}" +
                    (spec.Ipv6PodCidr is null ? "" : $" and {spec.Ipv6PodCidr}"));
                return 0;
            case "down":
                var name = a.Get("name", "lab") ?? LabController.Resolve(null);
                a.RejectUnknown();
                await LabController.DownAsync(name, m => Console.Error.WriteLine($"· {m}"));
                Console.WriteLine($"lab '{name}' is down");
                return 0;
            case "status":
                return Status(a);
            case "exec":
                return await ExecAsync(a, ct);
            case "probe":
                return await ProbeAsync(a);
            case "supervise":
                await Supervisor.RunAsync(a.Get("name") ?? throw new ArgumentException("--name is required"), ct);
                return 0;
            default:
                throw new ArgumentException($"unknown lab command '{sub}'; try: up, down, status, exec, probe");
        }
    }

    private static LabSpec SpecFrom(Args a) => new()
    {
        Name = a.Get("name") ?? "demo",
        Nodes = a.GetInt("nodes", 3),
        Mode = a.Get("mode") ?? "vxlan",
        PodCidr = a.Get("pod-cidr") ?? "10.233.64.0/18",
        Ipv6PodCidr = a.Get("ipv6-pod-cidr"),
        BlockSize = a.GetInt("block-size", 26),
        BlockReleaseGraceSeconds = a.GetInt("block-release-grace", 30),
    };

    /// <summary>How to start this same CLI again (for the detached supervisor): the apphost, or `dotnet weft.dll`.</summary>
    internal static string[] SelfCommand()
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where weft runs from");
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [exe, Path.Combine(AppContext.BaseDirectory, "weft.dll")] : [exe];
    }

    private static int Status(Args a)
    {
        var output = a.Get("o", "output");
        a.RejectUnknown();
        var labs = LabPaths.ListLabs();
        var rows = labs.Select(n =>
        {
            var spec = LabController.Load(n);
            var paths = new LabPaths(n);
            var agentsUp = spec.NodeNames.Count(node => Processes.ReadPid(paths.AgentPidFile(node)) is { } pid && Processes.IsAlive(pid, "weft-agent"));
            return (spec, up: LabController.IsUp(paths), agentsUp, pods: LabController.Sandboxes(paths).Count);
        }).ToList();
        if (output == "json")
        {
            var arr = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.spec.Name,
                ["up"] = r.up,
                ["nodes"] = r.spec.Nodes,
                ["agentsRunning"] = r.agentsUp,
                ["mode"] = r.spec.Mode,
                ["podCIDR"] = r.spec.PodCidr,
                ["ipv6PodCIDR"] = r.spec.Ipv6PodCidr,
                ["pods"] = r.pods,
            })]);
            Console.WriteLine(arr.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        if (rows.Count == 0)
        {
            Console.WriteLine("no lab is up");
            return 0;
        }
        var t = new Output.TablePrinter(["NAME", "STATUS", "NODES", "AGENTS", "MODE", "POD-CIDR", "PODS"]);
        foreach (var r in rows)
        {
            t.AddRow([r.spec.Name, r.up ? "Up" : "Broken", r.spec.Nodes.ToString(), $"{r.agentsUp}/{r.spec.Nodes}", r.spec.Mode,
                r.spec.PodCidr + (r.spec.Ipv6PodCidr is null ? "" : "," + r.spec.Ipv6PodCidr), r.pods.ToString()]);
        }
        t.Write(Console.Out);
        return 0;
    }

    private static async Task<int> ExecAsync(Args a, CancellationToken ct)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        a.RejectUnknown();
        var target = a.Positional.ElementAtOrDefault(1) ?? throw new ArgumentException("usage: weft lab exec NS/POD -- CMD...");
        if (a.Rest.Count == 0)
        {
            throw new ArgumentException("usage: weft lab exec NS/POD -- CMD...");
        }
        var sb = FindSandbox(lab, target);
        using var ns = NetNamespace.Open(NetNamespace.PathOf(sb.NetnsName));
        var psi = new ProcessStartInfo(a.Rest[0]) { UseShellExecute = false };
        foreach (var x in a.Rest.Skip(1))
        {
            psi.ArgumentList.Add(x);
        }
        using var p = ns.StartProcess(psi);
        await p.WaitForExitAsync(ct);
        return p.ExitCode;
    }

    internal static SandboxRecord FindSandbox(string lab, string target)
    {
        var parts = target.Split('/');
        var (ns, name) = parts.Length == 2 ? (parts[0], parts[1]) : ("default", parts[0]);
        return LabController.Sandboxes(new LabPaths(lab)).FirstOrDefault(s => s.Namespace == ns && s.Name == name)
            ?? throw new ArgumentException($"pod {ns}/{name} is not running in lab '{lab}'");
    }

    private static async Task<int> ProbeAsync(Args a)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        var port = a.GetInt("port", 80);
        var protocol = (a.Get("protocol") ?? "TCP").ToUpperInvariant();
        var family = a.Get("family") ?? "IPv4";
        var output = a.Get("o", "output");
        var timeoutMs = a.GetInt("timeout-ms", 1000);
        a.RejectUnknown();
        if (protocol is not ("TCP" or "UDP"))
        {
            throw new ArgumentException($"--protocol: '{protocol}' must be TCP or UDP");
        }
        var matrix = await ProbeLabAsync(lab, port, protocol, family, TimeSpan.FromMilliseconds(timeoutMs));
        if (output == "json")
        {
            Console.WriteLine(MatrixJson(matrix).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            PrintMatrix(Console.Out, matrix);
        }
        return 0;
    }

    internal static async Task<ProbeMatrix> ProbeLabAsync(string lab, int port, string protocol, string family, TimeSpan timeout)
    {
        var v6 = family.Equals("IPv6", StringComparison.OrdinalIgnoreCase);
        var targets = LabController.Sandboxes(new LabPaths(lab))
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => (s, ip: s.Ips.Select(IPAddress.Parse).FirstOrDefault(ip => ip.AddressFamily ==
                (v6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork))))
            .Where(x => x.ip is not null)
            .Select(x => new Prober.Target($"{x.s.Namespace}/{x.s.Name}", x.s.NetnsName, x.ip!))
            .ToList();
        return await Prober.ProbeAsync(targets, port, protocol, timeout);
    }

    internal static JsonObject MatrixJson(ProbeMatrix m)
    {
        var matrix = new JsonObject();
        foreach (var (from, row) in m.Matrix.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var r = new JsonObject();
            foreach (var (to, ok) in row.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                r[to] = ok;
            }
            matrix[from] = r;
        }
        return new JsonObject { ["port"] = m.Port, ["protocol"] = m.Protocol, ["matrix"] = matrix };
    }

    /// <summary>The upstream e2e truth-table layout: rows are sources, columns destinations, '.' reachable, 'X' not.</summary>
    internal static void PrintMatrix(TextWriter w, ProbeMatrix m)
    {
        var ids = m.Matrix.Keys.Order(StringComparer.Ordinal).ToList();
        w.WriteLine($"reachability {m.Protocol}/{m.Port}: rows = from, columns = to, '.' = reachable, 'X' = not ({m.Reachable}/{m.Total} reachable)");
        var t = new Output.TablePrinter(["FROM\\TO", .. ids.Select((_, i) => (i + 1).ToString())]);
        for (var i = 0; i < ids.Count; i++)
        {
            t.AddRow([$"{i + 1} {ids[i]}", .. ids.Select(to => m.Matrix[ids[i]].GetValueOrDefault(to) ? "." : "X")]);
        }
        t.Write(w);
    }
}
