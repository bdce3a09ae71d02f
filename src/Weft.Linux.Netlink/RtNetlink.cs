using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;

namespace Weft.Linux.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket with typed link, address, route, neighbour and FDB operations.
/// </summary>
/// <remarks>
/// The socket works on the network namespace of the thread that called <see cref="Open"/> for
/// its whole life, whatever thread later uses it; to manage another namespace open it there
/// (e.g. <c>ns.Run(RtNetlink.Open)</c>). Every method is synchronous and thread-safe (one request
/// at a time). Kernel refusals throw <see cref="NetlinkException"/>; "Ensure/Replace" methods
/// treat "already there" as success and Delete methods return false for a missing object.
/// </remarks>
public sealed partial class RtNetlink : IDisposable
{
    // Dump datagrams are capped by the kernel at 32 KiB; single replies are far smaller.
    private const int ReceiveBufferSize = 64 * 1024;

    // Big enough for the largest request built here (a veth with its nested peer).
    private const int RequestBufferSize = 512;

    private const int MaxDumpAttempts = 5;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly Lock _gate = new();
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];
    private uint _sequence;

    private RtNetlink(Socket socket) => _socket = socket;

    /// <summary>Opens a route netlink socket in the calling thread's network namespace.</summary>
    public static RtNetlink Open()
    {
        var socket = Syscalls.OpenNetlinkSocket(LinuxConstants.NETLINK_ROUTE);
        try
        {
            // Extended acks carry the kernel's own explanation ("Unknown device type", ...);
            // capped acks keep the echoed request out of error replies.
            socket.SetRawSocketOption(SOL_NETLINK, NETLINK_EXT_ACK, BitConverter.GetBytes(1));
            socket.SetRawSocketOption(SOL_NETLINK, NETLINK_CAP_ACK, BitConverter.GetBytes(1));
            socket.ReceiveTimeout = (int)ReplyTimeout.TotalMilliseconds;
            return new RtNetlink(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    /// <summary>Sends <paramref name="request"/> with NLM_F_ACK; throws unless the kernel acks it.</summary>
    private void Execute(Span<byte> request, string operation)
    {
        int errno = TryExecute(request, operation, null, out string? kernelMessage);
        if (errno != 0)
        {
            throw new NetlinkException(operation, errno, kernelMessage);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (which must carry NLM_F_ACK) and returns 0 or the errno of
    /// the kernel's answer. Replies that come before the ack go to <paramref name="onReply"/>.
    /// </summary>
    private int TryExecute(Span<byte> request, string operation, MessageHandler? onReply, out string? kernelMessage)
    {
        lock (_gate)
        {
            uint sequence = Stamp(request);
            Send(request, operation);
            bool interrupted = false;
            int errno;
            while (!NetlinkResponses.Process(Receive(operation), sequence, onReply, ref interrupted, out errno, out kernelMessage))
            {
            }

            return errno;
        }
    }

    /// <summary>
    /// Runs a dump, retrying from scratch while the kernel reports it as interrupted by a
    /// concurrent change (NLM_F_DUMP_INTR), at most <see cref="MaxDumpAttempts"/> times.
    /// </summary>
    private List<T> Dump<T>(Span<byte> request, string operation, Func<NetlinkMessage, T?> parse)
        where T : class
    {
        for (int attempt = 1; ; attempt++)
        {
            var results = new List<T>();
            bool interrupted = false;
            int errno;
            string? kernelMessage;
            lock (_gate)
            {
                uint sequence = Stamp(request);
                Send(request, operation);
                while (!NetlinkResponses.Process(Receive(operation), sequence, Collect, ref interrupted, out errno, out kernelMessage))
                {
                }
            }

            if (errno != 0)
            {
                throw new NetlinkException(operation, errno, kernelMessage);
            }

            if (!interrupted)
            {
                return results;
            }

            if (attempt == MaxDumpAttempts)
            {
                throw new NetlinkException(operation, Errno.EINTR, $"dump still inconsistent after {MaxDumpAttempts} attempts (NLM_F_DUMP_INTR)");
            }

            void Collect(NetlinkMessage message)
            {
                if (parse(message) is { } item)
                {
                    results.Add(item);
                }
            }
        }
    }

    private uint Stamp(Span<byte> request)
    {
        uint sequence = ++_sequence;
        var header = MemoryMarshal.Read<NlMsgHdr>(request);
        header.Sequence = sequence;
        MemoryMarshal.Write(request, in header);
        return sequence;
    }

    private void Send(ReadOnlySpan<byte> request, string operation)
    {
        try
        {
            _socket.Send(request);
        }
        catch (SocketException e)
        {
            throw new NetlinkException(operation, e.NativeErrorCode, "send failed", e);
        }
    }

    private ReadOnlySpan<byte> Receive(string operation)
    {
        try
        {
            int received = _socket.Receive(_receiveBuffer);
            return _receiveBuffer.AsSpan(0, received);
        }
        catch (SocketException e)
        {
            throw new NetlinkException(operation, e.NativeErrorCode, "receive failed", e);
        }
    }
}
