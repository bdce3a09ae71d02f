using System.Net;
using System.Net.Sockets;
using Weft.Linux.Netns;

namespace Weft.Lab.Tests;

/// <summary>A UDP socket and a TCP listener on port 80 (IPv4 any) in a namespace, counting what arrives.</summary>
internal sealed class Sink : IDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private int _datagrams;
    private int _accepted;

    public Sink(NetNamespace ns, int port = 80)
    {
        _udp = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _udp.Bind(new IPEndPoint(IPAddress.Any, port));
        _tcp = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _tcp.Bind(new IPEndPoint(IPAddress.Any, port));
        _tcp.Listen(1024);
        _ = Task.Run(ReceiveLoopAsync);
        _ = Task.Run(AcceptLoopAsync);
    }

    public int Datagrams => Volatile.Read(ref _datagrams);
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task ReceiveLoopAsync()
    {
        var buf = new byte[2048];
        try
        {
            while (true)
            {
                await _udp.ReceiveAsync(buf, SocketFlags.None);
                Interlocked.Increment(ref _datagrams);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                using var conn = await _tcp.AcceptAsync();
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _udp.Dispose();
        _tcp.Dispose();
    }
}

/// <summary>
/// From inside a namespace, sends UDP datagrams and TCP SYNs (non-blocking connects, each kept open for one
/// sweep and then reset) to every target on one port, each in a tight loop on its own thread until stopped.
/// </summary>
internal sealed class Flood : IDisposable
{
    private readonly NetNamespace _ns;
    private readonly IReadOnlyList<IPAddress> _targets;
    private readonly Thread[] _threads;
    private volatile bool _stop;
    private long _datagrams;
    private long _syns;

    public Flood(NetNamespace ns, IReadOnlyList<IPAddress> targets, int port = 80)
    {
        _ns = ns;
        _targets = targets;
        _threads = [new Thread(() => UdpLoop(port)) { IsBackground = true }, new Thread(() => TcpLoop(port)) { IsBackground = true }];
        foreach (var t in _threads)
        {
            t.Start();
        }
    }

    public long Datagrams => Interlocked.Read(ref _datagrams);
    public long Syns => Interlocked.Read(ref _syns);
    public long Sent => Datagrams + Syns;

    private void UdpLoop(int port)
    {
        using var udp = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var payload = "flood"u8.ToArray();
        var endpoints = _targets.Select(ip => new IPEndPoint(ip, port)).ToList();
        while (!_stop)
        {
            foreach (var ep in endpoints)
            {
                try
                {
                    udp.SendTo(payload, ep);
                    Interlocked.Increment(ref _datagrams);
                }
                catch (SocketException)
                {
                    // An ICMP error from an earlier datagram surfaces here; the next send goes out.
                }
            }
        }
    }

    private void TcpLoop(int port)
    {
        var pending = new List<Socket>();
        while (!_stop)
        {
            // One hop into the namespace per sweep: a hop per socket would throttle the SYN rate.
            var next = _ns.Run(() => _targets.Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList());
            foreach (var (ip, tcp) in _targets.Zip(next))
            {
                tcp.Blocking = false;
                // Reset on close: no TIME_WAIT pile-up from thousands of attempts.
                tcp.LingerState = new LingerOption(true, 0);
                try
                {
                    tcp.Connect(new IPEndPoint(ip, port));
                }
                catch (SocketException)
                {
                    // In progress (the SYN is out) or refused at once.
                }
                Interlocked.Increment(ref _syns);
            }
            Close(pending);
            pending = next;
        }
        Close(pending);
    }

    private static void Close(List<Socket> sockets)
    {
        foreach (var s in sockets)
        {
            s.Dispose();
        }
    }

    public void Stop()
    {
        _stop = true;
        foreach (var t in _threads)
        {
            t.Join();
        }
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
        _ns.Dispose();
    }
}
