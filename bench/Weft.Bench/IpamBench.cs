using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Weft.Lab;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Store.Etcd;

namespace Weft.Bench;

/// <summary>
/// The fixed-IP issue's benches. (a) CNI ADD of a pod with a fixed address (Kube-OVN ip_address, claimed
/// through an IPClaim) against ADD of a pod from the node's block, alternating rounds, the Pod objects in
/// the store as a kubelet would have them. (b) 500 pods created at once across a 3-node lab, the lab's
/// kubelets calling CNI: all from node blocks, against all from one pool (claims), each timed to all
/// running, with every address checked unique.
/// </summary>
internal static class IpamBench
{
    private const int PodsPerRound = 50;
    private const string Subnet = """{"apiVersion":"kubeovn.io/v1","kind":"Subnet","metadata":{"name":"bench-subnet"},"spec":{"cidrBlock":"192.168.0.0/16"}}""";

    public static async Task RunAsync(int reps)
    {
        await AddLatencyAsync(reps);
        await StartStormAsync(500);
    }

    private static async Task AddLatencyAsync(int reps)
    {
        Console.WriteLine($"## CNI ADD: fixed address against node block ({reps} rounds × {PodsPerRound} pods, ABAB)");
        await using var lab = await BenchLab.UpAsync(1, "routed");
        await using var store = EtcdStore.Connect(lab.Paths.StoreEndpoint);
        await store.CreateAsync(ResourceJson.Parse(Subnet));
        await store.CreateAsync(NamespaceView.Build("bench"));
        using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns("node1")));
        var cni = new CniInvoker(nodeNs, lab.Paths.CniConfDir("node1"), Path.GetDirectoryName(LabBinaries.Cni)!);
        var rows = new List<(double P50, double P99)>[2] { [], [] };
        for (var r = 0; r < reps; r++)
        {
            rows[0].Add(await RoundAsync(lab, store, cni, $"f{r}", i => new() { ["ovn.kubernetes.io/ip_address"] = $"192.168.{r}.{i + 1}" }));
            rows[1].Add(await RoundAsync(lab, store, cni, $"b{r}", _ => []));
        }
        foreach (var (what, pick) in new (string, Func<(double P50, double P99), double>)[] { ("p50", x => x.P50), ("p99", x => x.P99) })
        {
            var f = rows[0].Select(pick).ToList();
            var b = rows[1].Select(pick).ToList();
            Console.WriteLine($"| ADD {what} | fixed {Stats.Median(f):0.00} ms ({f.Min():0.00}–{f.Max():0.00}) | block {Stats.Median(b):0.00} ms ({b.Min():0.00}–{b.Max():0.00}) | ratio {Stats.RatioRange([.. f.Zip(b, (x, y) => x / y)])} |");
        }
    }

    private static async Task<(double, double)> RoundAsync(BenchLab lab, EtcdStore store, CniInvoker cni, string prefix, Func<int, Dictionary<string, string>> annotations)
    {
        var pods = new List<(CniInvoker.Attachment A, string Result, string Ns)>();
        for (var i = 0; i < PodsPerRound; i++)
        {
            // Objects first, as the API server has them before the kubelet calls CNI; not timed.
            await store.CreateAsync(Pod($"{prefix}-{i}", "node1-unscheduled", annotations(i)));
        }
        await Task.Delay(200);
        var adds = new List<double>();
        for (var i = 0; i < PodsPerRound; i++)
        {
            var ns = $"{lab.Paths.NetnsPrefix}pod-{prefix}-{i}";
            NetNamespace.Create(ns).Dispose();
            var a = new CniInvoker.Attachment(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), NetNamespace.PathOf(ns), "eth0",
                $"IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME={prefix}-{i}");
            var sw = Stopwatch.StartNew();
            var result = cni.Add(a);
            adds.Add(sw.Elapsed.TotalMilliseconds);
            pods.Add((a, result, ns));
        }
        foreach (var (a, result, ns) in pods)
        {
            cni.Del(a, result);
            NetNamespace.Delete(ns);
        }
        for (var i = 0; i < PodsPerRound; i++)
        {
            await store.DeleteAsync(new ResourceKey("", "Pod", "bench", $"{prefix}-{i}"));
        }
        return (Stats.Percentile(adds, 50), Stats.Percentile(adds, 99));
    }

    private static async Task StartStormAsync(int count)
    {
        Console.WriteLine($"## {count} pods created at once across 3 nodes (the lab's kubelets call CNI)");
        var results = new List<string>();
        foreach (var (what, annotations) in new (string, Dictionary<string, string>)[]
        {
            ("node blocks", []),
            ("one pool (claims)", new() { ["weft.dev/ip-pools"] = "bench-subnet" }),
        })
        {
            await using var lab = await BenchLab.UpAsync(3, "routed");
            await using var store = EtcdStore.Connect(lab.Paths.StoreEndpoint);
            await store.CreateAsync(ResourceJson.Parse(Subnet));
            await store.CreateAsync(NamespaceView.Build("bench"));
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (i, ct) => await store.CreateAsync(Pod($"s{i}", $"node{i % 3 + 1}", annotations), ct));
            List<PodView> running;
            while ((running = [.. (await store.ListAsync(ResourceType.Pod)).Items.Select(p => new PodView(p)).Where(p => p.Phase == "Running")]).Count < count)
            {
                if (sw.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException($"{what}: only {running.Count} of {count} pods running after 5 min");
                }
                await Task.Delay(250);
            }
            var elapsed = sw.Elapsed.TotalSeconds;
            var addresses = running.Select(p => p.PodIPs.Single()).ToList();
            var unique = addresses.Distinct().Count();
            Console.WriteLine($"| {what} | {count} running in {elapsed:0.0} s ({count / elapsed:0} pods/s) | {unique} distinct addresses{(unique == count ? "" : " — DUPLICATES")} |");
            results.Add($"{count / elapsed:0.0}");
        }
        Console.WriteLine($"| ratio pool / blocks (pods/s) | {double.Parse(results[1], System.Globalization.CultureInfo.InvariantCulture) / double.Parse(results[0], System.Globalization.CultureInfo.InvariantCulture):0.00} | |");
    }

    private static Resource Pod(string name, string node, Dictionary<string, string> annotations) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "bench", Annotations = annotations },
        Body = new JsonObject { ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray(new JsonObject { ["name"] = "c" }) } },
    };
}
