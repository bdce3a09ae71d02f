using System.Diagnostics;
using System.Security.Cryptography;

namespace Weft.Lab.Tests;

/// <summary>`weft demo`, the README's first command, run as a user runs it.</summary>
[Collection("lab")]
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_brings_up_three_nodes_and_shows_every_pod_reaching_every_pod()
    {
        var name = "d" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        try
        {
            var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "weft.dll"), "demo", "--name", name])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, output + await err);
            Assert.Contains("3 nodes in vxlan mode, 9 pods, every pod reaches every pod", output);
            Assert.Contains("reachability TCP/80", output);
            Assert.Contains("(81/81 reachable)", output);
            Assert.Contains($"weft lab down --name {name}", output);
            Assert.Contains("waiting for the pods to run", await err);
        }
        finally
        {
            await LabController.DownAsync(name, _ => { });
        }
        Assert.DoesNotContain(Linux.Netns.NetNamespace.List(), n => n.StartsWith($"weft-{name}-", StringComparison.Ordinal));
    }
}
