using Weft.Core.Cni;

namespace Weft.Cni;

/// <summary>
/// How long the binary waits for the agent. All are well under kubelet's 2-minute CRI runtime timeout,
/// so the runtime sees our error instead of killing us; DEL is short because it can fall back to the queue.
/// </summary>
internal static class AgentTimeouts
{
    public static TimeSpan For(CniCommand command) => command switch
    {
        CniCommand.Add => TimeSpan.FromSeconds(60),
        CniCommand.Gc => TimeSpan.FromSeconds(60),
        CniCommand.Check => TimeSpan.FromSeconds(30),
        CniCommand.Del => TimeSpan.FromSeconds(10),
        _ => TimeSpan.FromSeconds(10),
    };
}
