using System.Diagnostics;
using System.Text.Json.Nodes;
using Weft.Linux.Netns;

namespace Weft.TestKit;

/// <summary>iperf3 between two network namespaces: one TCP stream, received bit/s over <c>seconds</c> after <c>omit</c> s of warm-up.</summary>
public static class Iperf
{
    public static double Measure(NetNamespace client, NetNamespace server, string address, int port = 5399, int seconds = 3, int omit = 1)
    {
        var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var t = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var o = omit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var srv = server.StartProcess(new ProcessStartInfo("iperf3", ["-s", "-1", "-p", p]) { RedirectStandardOutput = true, UseShellExecute = false });
        Thread.Sleep(300);
        using var cli = client.StartProcess(new ProcessStartInfo("iperf3", ["-c", address, "-p", p, "-t", t, "-O", o, "-J"])
        { RedirectStandardOutput = true, UseShellExecute = false });
        var json = cli.StandardOutput.ReadToEnd();
        cli.WaitForExit();
        srv.WaitForExit(5000);
        return JsonNode.Parse(json)?["end"]?["sum_received"]?["bits_per_second"]?.GetValue<double>()
            ?? throw new InvalidOperationException("iperf3 gave no result: " + json[..Math.Min(300, json.Length)]);
    }
}
