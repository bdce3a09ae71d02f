namespace Weft.Agent;

/// <summary>Command-line settings of one node agent. Every path is per node so several agents can share a machine (the lab).</summary>
public sealed record AgentOptions(
    string NodeName,
    string StoreEndpoint,
    string StorePrefix,
    string SocketPath,
    string StateDir,
    string CniConfDir,
    string DelQueueDir,
    TimeSpan BlockReleaseGrace,
    TimeSpan HousekeepingInterval)
{
    public static AgentOptions Parse(string[] args)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'; usage: weft-agent --node NAME --store ENDPOINT [--state-dir DIR] ...");
            }
            d[args[i][2..]] = args[++i];
        }
        string Get(string k, string def) => d.TryGetValue(k, out var v) ? v : def;
        var node = Get("node", Environment.GetEnvironmentVariable("NODE_NAME") ?? "");
        if (node.Length == 0)
        {
            throw new ArgumentException("--node (or NODE_NAME) is required");
        }
        var state = Get("state-dir", "/var/lib/weft");
        return new AgentOptions(
            node,
            Get("store", "unix:///run/weft/etcd/localhost:0"),
            Get("store-prefix", "/weft"),
            Get("socket", "/run/weft/cni.sock"),
            state,
            Get("cni-conf-dir", "/etc/cni/net.d"),
            Get("del-queue-dir", "/var/run/weft/cni-del-queue"),
            TimeSpan.FromSeconds(double.Parse(Get("block-release-grace", "60"), System.Globalization.CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Get("housekeeping-interval", "10"), System.Globalization.CultureInfo.InvariantCulture)));
    }
}
