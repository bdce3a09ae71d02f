namespace Weft.Lab;

/// <summary>
/// Where a lab keeps its state: under /run (tmpfs), so a reboot, which removes the namespaces too,
/// also removes the lab. Short paths: etcd's unix socket must fit in 107 bytes.
/// </summary>
public sealed class LabPaths(string name)
{
    public static string Root { get; set; } = Environment.GetEnvironmentVariable("WEFT_LAB_ROOT") ?? "/run/weft/lab";

    public string Name { get; } = name;
    public string Dir => Path.Combine(Root, Name);
    public string SpecFile => Path.Combine(Dir, "lab.json");
    public string EtcdDir => Path.Combine(Dir, "etcd");
    public string StoreEndpoint => "unix://" + Path.Combine(EtcdDir, "localhost:0");
    public string SupervisorPidFile => Path.Combine(Dir, "supervisor.pid");
    public string SupervisorLog => Path.Combine(Dir, "supervisor.log");
    public string SandboxDir => Path.Combine(Dir, "pods");

    public string NodeDir(string node) => Path.Combine(Dir, "nodes", node);
    public string AgentSocket(string node) => Path.Combine(NodeDir(node), "agent.sock");
    public string AgentPidFile(string node) => Path.Combine(NodeDir(node), "agent.pid");
    public string AgentLog(string node) => Path.Combine(NodeDir(node), "agent.log");
    public string CniConfDir(string node) => Path.Combine(NodeDir(node), "net.d");

    /// <summary>Every network namespace of this lab starts with this; `lab down` removes exactly those.</summary>
    public string NetnsPrefix => $"weft-{Name}-";
    public string FabricNetns => NetnsPrefix + "fabric";
    public string NodeNetns(string node) => NetnsPrefix + node;
    public string PodNetns(string uid) => NetnsPrefix + "pod-" + uid.Replace("-", "", StringComparison.Ordinal)[..10];

    /// <summary>Names of labs that have state on this machine.</summary>
    public static IReadOnlyList<string> ListLabs() =>
        Directory.Exists(Root)
            ? [.. Directory.GetDirectories(Root).Where(d => File.Exists(Path.Combine(d, "lab.json"))).Select(Path.GetFileName).OfType<string>().Order()]
            : [];
}
