using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.Cli.Output;
using Weft.Lab;
using Weft.Policy.Evaluation;

namespace Weft.Cli.Commands;

/// <summary>
/// `weft policy drops [--follow] [-o json]`: merges the drops.jsonl that every node's agent writes (see
/// Weft.Agent's DropRecorder) and names pods instead of addresses. -o json prints one array; with --follow it
/// prints one JSON object per line instead, so the stream can be piped.
/// </summary>
internal static class PolicyDrops
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(Args a, TextWriter stdout, CancellationToken ct)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        var output = a.Get("o", "output");
        var follow = a.Has("follow");
        a.RejectUnknown();
        if (output is not (null or "json"))
        {
            throw new ArgumentException($"-o: '{output}' is not supported; use json or leave it out");
        }
        var paths = new LabPaths(lab);
        var files = LabController.Load(lab).NodeNames
            .Select(n => new Tail(n, Path.Combine(paths.NodeDir(n), "state", "drops.jsonl"))).ToList();
        var pods = await PolicyLabSource.PodsAsync(lab, ct);

        // History first: the rotated file, then the current one.
        var records = files.SelectMany(f => f.ReadRotated().Concat(f.ReadNew())).Select(r => Resolve(r, pods))
            .OrderBy(r => (string?)r["time"], StringComparer.Ordinal).ToList();
        if (!follow)
        {
            if (output == "json")
            {
                stdout.WriteLine(new JsonArray([.. records]).ToJsonString(PolicyCommands.Indented));
            }
            else
            {
                Table(stdout, records);
            }
            return 0;
        }

        var headerDone = false;
        while (true)
        {
            if (output == "json")
            {
                records.ForEach(r => stdout.WriteLine(r.ToJsonString()));
            }
            else if (records.Count > 0 || !headerDone)
            {
                Table(stdout, records, header: !headerDone);
                headerDone = true;
            }
            stdout.Flush();
            try
            {
                await Task.Delay(PollInterval, ct);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            var fresh = files.SelectMany(f => f.ReadNew()).ToList();
            if (fresh.Any(r => Unresolved(r, pods)))
            {
                pods = await PolicyLabSource.PodsAsync(lab, ct);
            }
            records = [.. fresh.Select(r => Resolve(r, pods)).OrderBy(r => (string?)r["time"], StringComparer.Ordinal)];
        }
    }

    private static bool Unresolved(JsonObject r, ClusterSnapshot pods) =>
        PolicyLabSource.Name(pods, (string?)r["src"]) == (string?)r["src"] || PolicyLabSource.Name(pods, (string?)r["dst"]) == (string?)r["dst"];

    /// <summary>Adds srcPod/dstPod ("ns/pod") where the address belongs to a pod.</summary>
    private static JsonObject Resolve(JsonObject r, ClusterSnapshot pods)
    {
        foreach (var (ip, pod) in new[] { ("src", "srcPod"), ("dst", "dstPod") })
        {
            var address = (string?)r[ip];
            var name = PolicyLabSource.Name(pods, address);
            if (name != address && name != "-")
            {
                r[pod] = name;
            }
        }
        return r;
    }

    private static void Table(TextWriter stdout, List<JsonObject> records, bool header = true)
    {
        var t = new TablePrinter(["TIME", "SOURCE", "DESTINATION", "PORT", "VERDICT", "POLICY/RULE"]);
        foreach (var r in records)
        {
            var time = DateTimeOffset.TryParse((string?)r["time"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "-";
            var port = r["dstPort"] is { } p ? $"{(string?)r["protocol"]}/{(int)p}" : (string?)r["protocol"] ?? "-";
            t.AddRow([time, (string?)r["srcPod"] ?? (string?)r["src"] ?? "-", (string?)r["dstPod"] ?? (string?)r["dst"] ?? "-",
                port, (string?)r["verdict"] ?? "-", (string?)r["rule"] ?? "-"]);
        }
        if (header)
        {
            t.Write(stdout);
            return;
        }
        // Follow mode prints the header once; later batches reuse the table layout without it.
        var sw = new StringWriter();
        t.Write(sw);
        foreach (var line in sw.ToString().Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            stdout.WriteLine(line);
        }
    }

    /// <summary>One node's drops.jsonl, read from where the last read stopped; a rotation restarts at 0.</summary>
    private sealed class Tail(string node, string path)
    {
        private long _offset;

        public IEnumerable<JsonObject> ReadRotated() => Parse(ReadFrom(path + ".1", 0, out _));

        public IEnumerable<JsonObject> ReadNew()
        {
            if (File.Exists(path) && new FileInfo(path).Length < _offset)
            {
                _offset = 0;
            }
            var text = ReadFrom(path, _offset, out var consumed);
            _offset += consumed;
            return Parse(text);
        }

        /// <summary>Complete lines only: a line the agent is still writing is left for the next read.</summary>
        private static string ReadFrom(string file, long offset, out long consumed)
        {
            consumed = 0;
            if (!File.Exists(file))
            {
                return "";
            }
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(offset, SeekOrigin.Begin);
            var bytes = new byte[stream.Length - offset];
            stream.ReadExactly(bytes);
            var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            consumed = end;
            return System.Text.Encoding.UTF8.GetString(bytes, 0, end);
        }

        private List<JsonObject> Parse(string text)
        {
            var list = new List<JsonObject>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    if (JsonNode.Parse(line) is JsonObject o)
                    {
                        o["node"] = node;
                        list.Add(o);
                    }
                }
                catch (JsonException)
                {
                    // A torn line (agent killed mid-write) is skipped, not fatal.
                }
            }
            return list;
        }
    }
}
