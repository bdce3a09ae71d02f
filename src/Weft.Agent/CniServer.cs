using System.Net.Sockets;
using Weft.Agent.Contract;

namespace Weft.Agent;

/// <summary>
/// Accepts weft-cni connections on a unix socket: one request and one response per connection.
/// Requests for different containers run concurrently.
/// </summary>
internal sealed class CniServer(string socketPath, CniHandler handler) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task? _accept;

    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        // A socket file left by a previous agent would make bind fail; nobody else can own this path.
        File.Delete(socketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(512);
        _accept = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket conn;
            try
            {
                conn = await _listener!.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(conn));
        }
    }

    private async Task ServeAsync(Socket conn)
    {
        using var _ = conn;
        await using var stream = new NetworkStream(conn, ownsSocket: false);
        try
        {
            var req = await AgentWire.ReadAsync(stream, AgentJsonContext.Default.CniRequest, _stop.Token);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var resp = await handler.HandleAsync(req, _stop.Token);
            var ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Info($"cni {req.Command} {req.ContainerId} {req.IfName}: " +
                (resp.Ok ? "ok" : $"error {resp.ErrorCode} {resp.ErrorMsg}: {resp.ErrorDetails}") + $" ({ms:0.0} ms)");
            await AgentWire.WriteAsync(stream, resp, AgentJsonContext.Default.CniResponse, _stop.Token);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or OperationCanceledException)
        {
            Log.Warn($"cni connection dropped: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Dispose();
        if (_accept is not null)
        {
            await _accept;
        }
        _stop.Dispose();
    }
}
