using System.Collections.Concurrent;
using System.Net.Sockets;
using Weft.Agent.Contract;
using Weft.Core.Cni;

namespace Weft.Cni.Tests.Support;

/// <summary>
/// A unix-socket server that speaks the agent contract: records every request and answers with
/// <see cref="Handler"/>. By default ADD returns <see cref="SampleResult"/> with sandbox = CNI_NETNS.
/// </summary>
internal sealed class FakeAgent : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeAgent()
    {
        SocketPath = _dir["agent.sock"];
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(64);
        _loop = Task.Run(AcceptLoop);
    }

    public string SocketPath { get; }

    public string QueueDir => _dir["del-queue"];

    public ConcurrentQueue<CniRequest> Requests { get; } = new();

    public Func<CniRequest, CniResponse> Handler { get; set; } = DefaultHandler;

    public static CniResult SampleResult(string? netns) => new()
    {
        Interfaces =
        [
            new CniInterface { Name = "wt-host0", Mac = "06:6e:be:a5:e4:00" },
            new CniInterface { Name = "eth0", Mac = "ba:57:78:33:41:d5", Mtu = 1450, Sandbox = netns },
        ],
        Ips =
        [
            new CniIpConfig { Interface = 1, Address = "10.244.1.7/24", Gateway = "10.244.1.1" },
            new CniIpConfig { Interface = 1, Address = "fd00:10:244:1::7/64", Gateway = "fd00:10:244:1::1" },
        ],
        Routes = [new CniRoute { Dst = "0.0.0.0/0" }, new CniRoute { Dst = "::/0", Mtu = 1400 }],
        Dns = new CniDns { Nameservers = ["10.96.0.10"], Search = ["default.svc.cluster.local"] },
    };

    private static CniResponse DefaultHandler(CniRequest request) =>
        request.Command == "ADD" ? CniResponse.Success(SampleResult(request.Netns).ToJson(CniVersions.Latest)) : CniResponse.Success();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            var request = await AgentWire.ReadAsync(stream, AgentJsonContext.Default.CniRequest, _stop.Token);
            Requests.Enqueue(request);
            var response = Handler(request);
            await AgentWire.WriteAsync(stream, response, AgentJsonContext.Default.CniResponse, _stop.Token);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (CloseWithoutAnswerException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        _dir.Dispose();
    }
}

/// <summary>Thrown by a test handler to make the fake agent hang up without answering.</summary>
internal sealed class CloseWithoutAnswerException : Exception;
