using System.Net;
using System.Net.Sockets;
using System.Text;
using Weft.Linux.Netns;

namespace Weft.Lab.Tests;

internal enum ProbeOutcome
{
    Connected,

    /// <summary>No answer within the timeout: the packets were dropped, which is what a denied ANP probe must show.</summary>
    TimedOut,

    /// <summary>An error came back (TCP reset, ICMP unreachable): upstream counts that as a failure of a deny expectation.</summary>
    Rejected,
}

internal sealed record ProbeResult(ProbeOutcome Outcome, string Detail)
{
    public override string ToString() => Detail.Length == 0 ? Outcome.ToString() : $"{Outcome} ({Detail})";
}

/// <summary>
/// One connection attempt from inside a namespace, telling a drop (timeout) from a reject, which the lab prober's
/// reachable/unreachable matrix does not: ANP's Deny must drop. TCP: a completed handshake connects. UDP: an answer
/// from the workload connects, a port-unreachable rejects.
/// </summary>
internal static class AnpLabProbes
{
    public static async Task<ProbeResult> ProbeAsync(string netns, IPAddress ip, int port, string protocol, TimeSpan timeout)
    {
        using var ns = NetNamespace.Open(NetNamespace.PathOf(netns));
        return protocol switch
        {
            "TCP" => await TcpAsync(ns, new IPEndPoint(ip, port), timeout),
            "UDP" => await UdpAsync(ns, new IPEndPoint(ip, port), timeout),
            _ => throw new ArgumentException($"protocol {protocol}: the lab probes TCP and UDP only", nameof(protocol)),
        };
    }

    private static async Task<ProbeResult> TcpAsync(NetNamespace ns, IPEndPoint to, TimeSpan timeout)
    {
        using var s = ns.CreateSocket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // Reset on close: hundreds of probes must not leave TIME_WAIT sockets behind.
        s.LingerState = new LingerOption(true, 0);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await s.ConnectAsync(to, cts.Token);
            return new ProbeResult(ProbeOutcome.Connected, "");
        }
        catch (OperationCanceledException)
        {
            return new ProbeResult(ProbeOutcome.TimedOut, "");
        }
        catch (SocketException e)
        {
            return new ProbeResult(ProbeOutcome.Rejected, e.SocketErrorCode.ToString());
        }
    }

    private static async Task<ProbeResult> UdpAsync(NetNamespace ns, IPEndPoint to, TimeSpan timeout)
    {
        using var s = ns.CreateSocket(to.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var buf = new byte[512];
        try
        {
            await s.ConnectAsync(to);
            // Three tries inside the timeout: a first datagram can be lost while a neighbour entry resolves.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                await s.SendAsync("probe"u8.ToArray(), SocketFlags.None);
                using var wait = new CancellationTokenSource(timeout / 3);
                try
                {
                    var n = await s.ReceiveAsync(buf, SocketFlags.None, wait.Token);
                    return new ProbeResult(ProbeOutcome.Connected, Encoding.ASCII.GetString(buf, 0, n).Trim());
                }
                catch (OperationCanceledException)
                {
                }
            }
            return new ProbeResult(ProbeOutcome.TimedOut, "");
        }
        catch (SocketException e)
        {
            return new ProbeResult(ProbeOutcome.Rejected, e.SocketErrorCode.ToString());
        }
    }
}
