namespace Weft.Dataplane;

/// <summary>Node-wide kernel settings the pod network needs. Call from the node's network namespace.</summary>
public static class NodeSetup
{
    /// <summary>
    /// Pods reach everything through the node, so the node must forward. Written through /proc/sys of the
    /// calling process, which is the node's namespace for the agent.
    /// </summary>
    public static void EnsureForwarding(bool ipv6)
    {
        WriteIfDifferent("/proc/sys/net/ipv4/ip_forward", "1");
        if (ipv6)
        {
            WriteIfDifferent("/proc/sys/net/ipv6/conf/all/forwarding", "1");
        }
    }

    private static void WriteIfDifferent(string path, string value)
    {
        if (File.ReadAllText(path).Trim() != value)
        {
            File.WriteAllText(path, value);
        }
    }
}
