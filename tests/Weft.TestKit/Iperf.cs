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

/// <summary>iperf3 as the receiver sees it, interval by interval, while something else happens during the run.</summary>
public static class IperfIntervals
{
    /// <summary>
    /// Runs one TCP stream for <paramref name="seconds"/>; <paramref name="during"/> runs after <paramref name="after"/>.
    /// Returns the receiver's intervals as (start s, end s, bit/s).
    /// </summary>
    public static IReadOnlyList<(double Start, double End, double Bps)> Run(NetNamespace client, NetNamespace server, string address,
        int seconds, TimeSpan after, Action during, int port = 5401)
    {
        var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var srv = server.StartProcess(new ProcessStartInfo("iperf3", ["-s", "-1", "-p", p, "-i", "0.5", "-J"]) { RedirectStandardOutput = true, UseShellExecute = false });
        var output = srv.StandardOutput.ReadToEndAsync();
        Thread.Sleep(300);
        using var cli = client.StartProcess(new ProcessStartInfo("iperf3", ["-c", address, "-p", p, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, UseShellExecute = false });
        Thread.Sleep(after);
        during();
        cli.StandardOutput.ReadToEnd();
        cli.WaitForExit();
        srv.WaitForExit(10_000);
        var json = JsonNode.Parse(output.Result) ?? throw new InvalidOperationException("iperf3 server gave no result");
        return [.. (json["intervals"] as JsonArray ?? []).Select(i => i!["sum"]!).Select(s =>
            (s["start"]!.GetValue<double>(), s["end"]!.GetValue<double>(), s["bits_per_second"]!.GetValue<double>()))];
    }
}
