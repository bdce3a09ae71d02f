using System.Net;
using System.Net.Sockets;
using Weft.Linux.Netns;

namespace Weft.Lab;

/// <summary>The reachability of every pod from every pod on one port, measured with real packets.</summary>
public sealed record ProbeMatrix(int Port, string Protocol, IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Matrix)
{
    public int Reachable => Matrix.Values.Sum(r => r.Values.Count(v => v));
    public int Total => Matrix.Values.Sum(r => r.Count);
}

/// <summary>
/// Connects from inside each source pod's namespace to each destination pod's IP. TCP: a completed
/// handshake counts. UDP: an answer from the workload counts. Both wait at most <c>timeout</c>, so a
/// dropped packet reads as unreachable.
/// </summary>
public static class Prober
{
    public sealed record Target(string Id, string NetnsName, IPAddress Ip);

    public static async Task<ProbeMatrix> ProbeAsync(IReadOnlyList<Target> pods, int port, string protocol, TimeSpan timeout, int parallel = 64)
    {
        var udp = protocol.Equals("UDP", StringComparison.OrdinalIgnoreCase);
        var results = new Dictionary<string, Dictionary<string, bool>>();
        foreach (var p in pods)
        {
            results[p.Id] = [];
        }
        var namespaces = new Dictionary<string, NetNamespace>();
        try
        {
            foreach (var p in pods)
            {
                namespaces[p.Id] = NetNamespace.Open(NetNamespace.PathOf(p.NetnsName));
            }
            using var gate = new SemaphoreSlim(parallel);
            var tasks = new List<Task>();
            foreach (var from in pods)
            {
                foreach (var to in pods)
                {
                    await gate.WaitAsync();
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            var ok = udp
                                ? await UdpAsync(namespaces[from.Id], to.Ip, port, timeout)
                                : await TcpAsync(namespaces[from.Id], to.Ip, port, timeout);
                            lock (results)
                            {
                                results[from.Id][to.Id] = ok;
                            }
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                }
            }
            await Task.WhenAll(tasks);
        }
        finally
        {
            foreach (var ns in namespaces.Values)
            {
                ns.Dispose();
            }
        }
        return new ProbeMatrix(port, udp ? "UDP" : "TCP",
            results.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, bool>)r.Value));
    }

    private static async Task<bool> TcpAsync(NetNamespace ns, IPAddress ip, int port, TimeSpan timeout)
    {
        using var s = ns.CreateSocket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // Reset on close: thousands of probes must not leave TIME_WAIT sockets behind.
        s.LingerState = new LingerOption(true, 0);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await s.ConnectAsync(new IPEndPoint(ip, port), cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> UdpAsync(NetNamespace ns, IPAddress ip, int port, TimeSpan timeout)
    {
        using var s = ns.CreateSocket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var cts = new CancellationTokenSource(timeout);
        var buf = new byte[512];
        try
        {
            await s.ConnectAsync(new IPEndPoint(ip, port), cts.Token);
            // Two tries inside the timeout: a first datagram can be lost while a neighbour entry resolves.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                await s.SendAsync("probe"u8.ToArray(), SocketFlags.None, cts.Token);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                wait.CancelAfter(timeout / 2);
                try
                {
                    var n = await s.ReceiveAsync(buf, SocketFlags.None, wait.Token);
                    return n > 0;
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                }
            }
            return false;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
