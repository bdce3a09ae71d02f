using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Weft.Ipam;
using Weft.Linux.Netns;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// A real container runtime drives Weft: Debian's podman 4.3 with its CNI backend, run inside a lab node's
/// namespace (so nothing touches the machine's own namespace), with a private storage root and config.
/// Settings from cni-real-clients.md: runc (crun fails on this cgroup setup), cgroupfs, file events, lowered ulimits.
/// </summary>
[Collection("lab")]
public sealed class PodmanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_podman_container_on_the_weft_network_gets_its_ip_from_weft_reaches_lab_pods_and_frees_the_ip_on_rm()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 2);
        await lab.ApplyPodAsync("default", "srv", node: "node2");
        var srv = (await lab.WaitRunningAsync(1)).Single();

        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var dir = Directory.CreateDirectory($"/tmp/wtpm-{tag}").FullName;
        var name = "wtpm-" + tag;
        var image = $"localhost/wtbusybox-{tag}:latest";
        try
        {
            BuildImageTar(dir);
            File.WriteAllText(Path.Combine(dir, "containers.conf"), $"""
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                runtime = "runc"
                [network]
                network_backend = "cni"
                cni_plugin_dirs = ["{Path.GetDirectoryName(LabBinaries.Cni)}"]
                network_config_dir = "{lab.Paths.CniConfDir("node1")}"
                """);
            Podman(dir, lab, "import", "--change", "CMD [\"/bin/sh\"]", Path.Combine(dir, "image.tar"), image);

            var id = Podman(dir, lab, "run", "-d", "--name", name, "--network", "weft", image, "httpd", "-f", "-p", "80", "-h", "/www").Trim();
            var ip = IPAddress.Parse(Podman(dir, lab, "inspect", "--format", "{{(index .NetworkSettings.Networks \"weft\").IPAddress}}", name).Trim());
            output.WriteLine($"podman container {id[..12]} got {ip} from Weft");
            Assert.True(IPNetwork.Parse(lab.Spec.PodCidr).Contains(ip), $"{ip} is not from the pod CIDR");
            Assert.Contains(Allocations(lab), a => a.ContainerId == id && a.Addresses.Contains(ip));

            // A lab pod on the other node fetches the container's page, and the container reaches the pod.
            var page = await HttpGetFromPodAsync(lab, "srv", ip);
            Assert.Contains("weft-podman", page);
            var reply = Podman(dir, lab, "exec", name, "sh", "-c", $"echo | nc {srv.PodIPs[0]} 80");
            Assert.Contains("default/srv", reply);

            Podman(dir, lab, "rm", "-f", name);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Allocations(lab).Any(a => a.ContainerId == id) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.DoesNotContain(Allocations(lab), a => a.ContainerId == id);
        }
        finally
        {
            TryPodman(dir, lab, "rm", "-f", name);
            TryPodman(dir, lab, "rmi", "-f", image);
            TryPodman(dir, lab, "system", "reset", "-f");
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IReadOnlyList<Allocation> Allocations(LabHandle lab) =>
        new FileAllocationJournal(Path.Combine(lab.Paths.NodeDir("node1"), "state", "ipam.json")).Load()?.Allocations ?? [];

    private static async Task<string> HttpGetFromPodAsync(LabHandle lab, string pod, IPAddress ip)
    {
        var sb = LabController.Sandboxes(lab.Paths).Single(s => s.Name == pod);
        using var ns = NetNamespace.Open(NetNamespace.PathOf(sb.NetnsName));
        using var s = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await s.ConnectAsync(new IPEndPoint(ip, 80), cts.Token);
        await s.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"), cts.Token);
        using var stream = new NetworkStream(s);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cts.Token);
    }

    /// <summary>An image without a registry: static busybox, a page and a passwd file.</summary>
    private static void BuildImageTar(string dir)
    {
        var root = Directory.CreateDirectory(Path.Combine(dir, "rootfs")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "www"));
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
        foreach (var tool in new[] { "sh", "httpd", "nc", "ip", "echo", "cat" })
        {
            File.CreateSymbolicLink(Path.Combine(root, "bin", tool), "busybox");
        }
        File.WriteAllText(Path.Combine(root, "www", "index.html"), "weft-podman\n");
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/:/bin/sh\n");
        Run("tar", ["-C", root, "-cf", Path.Combine(dir, "image.tar"), "."], null);
    }

    /// <summary>podman with a private root and config, started in node1's network namespace as a runtime on that node would be.</summary>
    private static string Podman(string dir, LabHandle lab, params string[] args)
    {
        using var node = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns("node1")));
        return Run("podman", ["--root", Path.Combine(dir, "root"), "--runroot", Path.Combine(dir, "runroot"), "--storage-driver", "vfs", .. args],
            node, ("CONTAINERS_CONF", Path.Combine(dir, "containers.conf")));
    }

    private static void TryPodman(string dir, LabHandle lab, params string[] args)
    {
        try
        {
            Podman(dir, lab, args);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Cleanup of something that may not exist.
        }
    }

    private static string Run(string file, string[] args, NetNamespace? ns, params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }
        using var p = ns is null ? Process.Start(psi)! : ns.StartProcess(psi);
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.Result}");
    }
}
