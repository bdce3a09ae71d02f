using System.Net;
using System.Net.Sockets;
using System.Text;
using Weft.Linux.Netns;

namespace Weft.Lab;

/// <summary>
/// The lab's stand-in for a container: it serves every containerPort of the pod on TCP and UDP and
/// answers with the pod's name. The sockets are created inside the pod's namespace and then served
/// from ordinary threads (a socket stays in the namespace it was created in), so one process can
/// host the workloads of every pod without a process per pod.
/// </summary>
public sealed class Workload : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _reply;

    public Workload(NetNamespace podNs, string podName, IEnumerable<int> ports)
    {
        _reply = Encoding.ASCII.GetBytes(podName + "\n");
        try
        {
            foreach (var port in ports.Distinct())
            {
                var tcp = podNs.CreateSocket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                _sockets.Add(tcp);
                Bind(tcp, port);
                tcp.Listen(512);
                _ = Task.Run(() => AcceptLoopAsync(tcp));

                var udp = podNs.CreateSocket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
                _sockets.Add(udp);
                Bind(udp, port);
                _ = Task.Run(() => EchoLoopAsync(udp));
            }
        }
        catch
        {
            // A port taken in a shared namespace (a hostNetwork pod): release the ports already bound.
            Dispose();
            throw;
        }
    }

    private static void Bind(Socket s, int port)
    {
        // One dual-stack socket per protocol serves IPv4 and IPv6 pods alike.
        s.DualMode = true;
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        s.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var conn = await listener.AcceptAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using (conn)
                    {
                        try
                        {
                            await conn.SendAsync(_reply, SocketFlags.None);
                            conn.Shutdown(SocketShutdown.Both);
                        }
                        catch (SocketException)
                        {
                            // The prober may already have closed its end.
                        }
                    }
                });
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before accept completed; keep serving.
            }
        }
    }

    private async Task EchoLoopAsync(Socket udp)
    {
        var buf = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var r = await udp.ReceiveFromAsync(buf, SocketFlags.None, any, _stop.Token);
                await udp.SendToAsync(_reply, SocketFlags.None, r.RemoteEndPoint);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP errors from earlier replies surface here on Linux; they do not end the workload.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var s in _sockets)
        {
            s.Dispose();
        }
        _stop.Dispose();
    }
}
