using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Weft.Lab.Tests;

/// <summary>
/// What the lab's nodes show of their policy state: the agent's nft table (to know when a write has reached the
/// kernel, and to report the rules when packets disagree with a case) and the agents' logs (rejected policies).
/// </summary>
internal static partial class AnpLabKernel
{
    /// <summary>`nft list table inet weft` inside the node's namespace, or nft's error text.</summary>
    public static async Task<string> TableAsync(string nodeNetns)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", nodeNetns, "nft", "list", "table", "inet", "weft" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? await stdout : $"(nft failed with {p.ExitCode}: {await stderr})";
    }

    /// <summary>
    /// After a policy write: waits until some node's table differs from <paramref name="before"/> and then stays the
    /// same for a moment (one write can take the agent two syncs), or until <paramref name="cap"/> passed, which is
    /// also the answer when the write changes no rule. Probes still retry afterwards; this only keeps a probe from
    /// reading the previous case's rules when both cases happen to expect the same answer.
    /// </summary>
    public static async Task WaitSettledAsync(IReadOnlyList<string> nodeNetns, IReadOnlyList<string> before, TimeSpan cap)
    {
        var deadline = DateTime.UtcNow + cap;
        var last = before;
        var stableSince = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            var now = await RulesAsync(nodeNetns);
            if (!now.SequenceEqual(last))
            {
                last = now;
                stableSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(300))
            {
                return;
            }
        }
    }

    /// <summary>Each node's table without counter values, which change with every packet.</summary>
    public static async Task<IReadOnlyList<string>> RulesAsync(IReadOnlyList<string> nodeNetns) =>
        await Task.WhenAll(nodeNetns.Select(async n => Counters().Replace(await TableAsync(n), "counter")));

    /// <summary>How far each agent log is written, to read what an agent says from now on.</summary>
    public static Dictionary<string, long> LogMarks(IEnumerable<string> logs) =>
        logs.ToDictionary(l => l, l => File.Exists(l) ? new FileInfo(l).Length : 0);

    /// <summary>Lines the agents logged since <paramref name="marks"/>.</summary>
    public static IEnumerable<string> LinesSince(Dictionary<string, long> marks)
    {
        foreach (var (log, offset) in marks)
        {
            if (!File.Exists(log))
            {
                continue;
            }
            using var f = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            f.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(f);
            while (reader.ReadLine() is { } line)
            {
                yield return $"{Path.GetFileName(Path.GetDirectoryName(log))}: {line}";
            }
        }
    }

    [GeneratedRegex(@"counter packets \d+ bytes \d+")]
    private static partial Regex Counters();
}
