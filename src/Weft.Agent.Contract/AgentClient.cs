using System.Net.Sockets;

namespace Weft.Agent.Contract;

/// <summary>Synchronous client for the agent's CNI socket, used by the CNI binary.</summary>
public static class AgentClient
{
    /// <summary>
    /// Sends <paramref name="request"/> and waits for the response. <paramref name="timeout"/> bounds the
    /// send and the wait for the answer; a unix-socket connect either succeeds or fails at once.
    /// </summary>
    /// <exception cref="AgentUnavailableException">The socket is missing, refuses connections, the agent
    /// closes the connection without answering, or no answer arrives within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidDataException">The agent answered with a malformed message.</exception>
    public static CniResponse Call(string socketPath, CniRequest request, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.SendTimeout = Milliseconds(deadline);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException ex)
        {
            throw new AgentUnavailableException(socketPath, ConnectFailure(ex.SocketErrorCode), ex);
        }
        catch (ArgumentException ex)
        {
            // UnixDomainSocketEndPoint rejects paths over sun_path's 108 bytes.
            throw new AgentUnavailableException(socketPath, $"socket path is not usable: {ex.Message}", ex);
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            AgentWire.Write(stream, request, AgentJsonContext.Default.CniRequest);
            socket.ReceiveTimeout = Milliseconds(deadline);
            return AgentWire.Read(stream, AgentJsonContext.Default.CniResponse);
        }
        catch (EndOfStreamException ex)
        {
            throw new AgentUnavailableException(socketPath, "agent closed the connection without answering", ex);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            throw new AgentUnavailableException(socketPath, $"no answer within {timeout.TotalSeconds:0.###} s", ex);
        }
        catch (IOException ex)
        {
            throw new AgentUnavailableException(socketPath, $"connection failed: {ex.Message}", ex);
        }
    }

    private static string ConnectFailure(SocketError error) => error switch
    {
        SocketError.AddressNotAvailable => "socket file does not exist",
        SocketError.ConnectionRefused => "connection refused (nothing listening)",
        SocketError.AccessDenied => "permission denied",
        _ => $"cannot connect ({error})",
    };

    // Socket timeouts take milliseconds where 0 means "infinite", so never hand it 0.
    private static int Milliseconds(long deadline) => (int)Math.Clamp(deadline - Environment.TickCount64, 1, int.MaxValue);
}

/// <summary>The node agent could not be reached or did not answer; the CNI binary maps this to code 11/50 or queues a DEL.</summary>
public sealed class AgentUnavailableException(string socketPath, string reason, Exception? innerException = null)
    : Exception($"weft-agent at {socketPath}: {reason}", innerException)
{
    /// <summary>The socket that was tried.</summary>
    public string SocketPath { get; } = socketPath;

    /// <summary>Why it failed, e.g. "cannot connect (ConnectionRefused)".</summary>
    public string Reason { get; } = reason;
}
