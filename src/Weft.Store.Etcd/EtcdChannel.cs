using System.Net.Sockets;
using Grpc.Net.Client;

namespace Weft.Store.Etcd;

/// <summary>Builds the gRPC channel for an etcd endpoint: a unix socket or plain http (HTTP/2 without TLS).</summary>
internal static class EtcdChannel
{
    private const string UnixScheme = "unix://";

    public static GrpcChannel Create(string endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            // An unreachable store must fail fast instead of hanging the caller.
            ConnectTimeout = TimeSpan.FromSeconds(3),
            // Pings find half-dead connections that would otherwise stall a watch forever. Only while streams are
            // open: etcd answers pings on an idle connection (PermitWithoutStream=false) with GOAWAY.
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        };
        string address;
        if (endpoint.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            var path = endpoint[UnixScheme.Length..];
            if (!path.StartsWith('/'))
            {
                throw new ArgumentException($"etcd endpoint '{endpoint}': unix socket path must be absolute (unix:///path)", nameof(endpoint));
            }
            handler.ConnectCallback = (_, ct) => ConnectUnixAsync(path, ct);
            address = "http://localhost";
        }
        else if (endpoint.StartsWith("http://", StringComparison.Ordinal))
        {
            address = endpoint;
        }
        else
        {
            throw new ArgumentException($"etcd endpoint '{endpoint}': expected unix:///path or http://host:port", nameof(endpoint));
        }
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
        });
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
