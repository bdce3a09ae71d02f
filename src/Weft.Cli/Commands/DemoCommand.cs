using System.Diagnostics;
using Weft.Lab;
using Weft.Model;

namespace Weft.Cli.Commands;

/// <summary>`weft demo`: a 3-node lab, nine pods, and the proof that they reach each other.</summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(Args a, CancellationToken ct)
    {
        var spec = new LabSpec { Name = a.Get("name") ?? "demo", Nodes = a.GetInt("nodes", 3), Mode = a.Get("mode") ?? "vxlan" };
        a.RejectUnknown();
        var clock = Stopwatch.StartNew();
        void Step(string m) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] {m}");

        if (LabPaths.ListLabs().Contains(spec.Name))
        {
            Step($"removing the previous '{spec.Name}' lab");
            await LabController.DownAsync(spec.Name, _ => { });
        }
        await LabController.UpAsync(spec, LabCommands.SelfCommand(), Step, ct);

        var manifest = Path.Combine(LabBinaries.RepoRoot() ?? ".", "deploy", "lab", "demo.yaml");
        Step($"applying {Path.GetRelativePath(Environment.CurrentDirectory, manifest)}: namespaces x, y, z with pods a, b, c");
        await ResourceCommands.ApplyAsync(Args.Parse(["--lab", spec.Name, "-f", manifest]), ct);

        Step("waiting for the pods to run (the lab's kubelet calls weft-cni for each)");
        var pods = await WaitRunningAsync(spec.Name, 9, ct);
        Step($"{pods.Count} pods running");
        Console.WriteLine();
        await ResourceCommands.GetAsync(Args.Parse(["--lab", spec.Name, "pods", "-A", "-o", "wide"]), ct);
        Console.WriteLine();

        var failures = 0;
        foreach (var (port, proto) in new[] { (80, "TCP"), (80, "UDP") })
        {
            Step($"probing every pod from every pod on {proto}/{port} with real packets");
            var m = await LabCommands.ProbeLabAsync(spec.Name, port, proto, "IPv4", TimeSpan.FromSeconds(1));
            LabCommands.PrintMatrix(Console.Out, m);
            Console.WriteLine();
            failures += m.Total - m.Reachable;
        }

        Console.WriteLine($"""
            Weft demo: {spec.Nodes} nodes in {spec.Mode} mode, {pods.Count} pods, {(failures == 0 ? "every pod reaches every pod" : $"{failures} unreachable pairs")} ({clock.Elapsed.TotalSeconds:0.0} s).

            Explore:
              ./weft get pods -A -o wide
              ./weft lab exec x/a -- ping -c 3 {pods.FirstOrDefault(p => p.Name == "c" && p.Namespace == "z")?.PodIPs.FirstOrDefault() ?? "<ip>"}
              ./weft lab probe --port 81 --protocol TCP
              ./weft apply -f my-pod.yaml        (any Pod with containerPorts; the lab serves them)
            Tear down:
              ./weft lab down --name {spec.Name}
            """);
        return failures == 0 ? 0 : 1;
    }

    private static async Task<List<PodView>> WaitRunningAsync(string lab, int expected, CancellationToken ct)
    {
        await using var store = ResourceCommands.Open(lab);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var pods = (await store.ListAsync(ResourceType.Pod, null, ct)).Items.Select(p => new PodView(p)).ToList();
            if (pods.Count(p => p.Phase == "Running") >= expected)
            {
                return pods;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {pods.Count(p => p.Phase == "Running")} of {expected} pods are running after 90 s; see `weft get pods -A -o wide`");
            }
            await Task.Delay(200, ct);
        }
    }
}
