using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.NflogConstants;

namespace Weft.Linux.Netlink;

/// <summary>
/// Receives packets that netfilter rules log to one NFLOG group (<c>log group N</c> in nftables).
/// </summary>
/// <remarks>
/// The socket belongs to the network namespace of the thread that calls <see cref="Open"/> (open it
/// inside <c>ns.Run</c> for another namespace) and then works from any thread. One reader at a time:
/// use either <see cref="Read"/> or <see cref="ReadAllAsync"/>. A group has one listener per
/// namespace; binding a taken group fails with EPERM. When the reader falls behind, the kernel drops
/// records and the socket reports ENOBUFS, counted in <see cref="LostBursts"/>.
/// </remarks>
public sealed class NflogListener : IDisposable
{
    /// <summary>Packet bytes copied per record: enough for IPv6 with a TCP header and options.</summary>
    public const uint DefaultCopyRange = 128;

    private const int ReceiveBufferSize = 64 * 1024;
    private static readonly TimeSpan ConfigTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private readonly Queue<NflogRecord> _pending = new();
    private uint _sequence;

    private NflogListener(Socket socket, ushort group)
    {
        _socket = socket;
        Group = group;
    }

    /// <summary>The NFLOG group this listener is bound to.</summary>
    public ushort Group { get; }

    /// <summary>How many times the kernel reported dropped records (ENOBUFS) because reading fell behind.</summary>
    public int LostBursts { get; private set; }

    /// <summary>Binds NFLOG group <paramref name="group"/> in the calling thread's network namespace.</summary>
    /// <exception cref="NetlinkException">The kernel refused the binding (EPERM: another socket has the group).</exception>
    public static NflogListener Open(ushort group, uint copyRange = DefaultCopyRange)
    {
        var socket = Syscalls.OpenNetlinkSocket(NETLINK_NETFILTER);
        var listener = new NflogListener(socket, group);
        try
        {
            socket.SetRawSocketOption(SOL_NETLINK, NETLINK_EXT_ACK, BitConverter.GetBytes(1));
            socket.ReceiveTimeout = (int)ConfigTimeout.TotalMilliseconds;

            // Kernels before 3.17 needed the log backend bound per address family; newer ones
            // ignore these commands, so they are sent and their result ignored.
            foreach (byte family in (byte[])[(byte)AddressFamily.InterNetwork, (byte)AddressFamily.InterNetworkV6])
            {
                listener.Configure(family, 0, NFULNL_CFG_CMD_PF_BIND, null, throwOnError: false);
            }

            listener.Configure(0, group, NFULNL_CFG_CMD_BIND, null, throwOnError: true);
            listener.Configure(0, group, null, copyRange, throwOnError: true);
            socket.ReceiveTimeout = 0;
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the next record; null when none arrived in time.
    /// </summary>
    public NflogRecord? Read(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_pending.Count == 0)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_socket.Poll(left, SelectMode.SelectRead))
            {
                return null;
            }

            Receive(TryReceive(() => _socket.Receive(_buffer)));
        }

        return _pending.Dequeue();
    }

    /// <summary>Yields records as they arrive until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<NflogRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            while (_pending.Count > 0)
            {
                yield return _pending.Dequeue();
            }

            int received;
            try
            {
                received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
            {
                LostBursts++;
                continue;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            Receive(received);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private int TryReceive(Func<int> receive)
    {
        try
        {
            return receive();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
        {
            LostBursts++;
            return 0;
        }
    }

    private void Receive(int length)
    {
        foreach (var message in new NetlinkMessageReader(_buffer.AsSpan(0, length)))
        {
            if (message.Header.Type == PacketMessageType)
            {
                _pending.Enqueue(NflogParser.ParsePacket(message));
            }
        }
    }

    // One NFULNL_MSG_CONFIG request with an ack: a command, or (command null) the copy mode.
    private void Configure(byte family, ushort group, byte? command, uint? copyRange, bool throwOnError)
    {
        Span<byte> request = stackalloc byte[64];
        var writer = new NetlinkWriter(request);
        writer.BeginMessage(ConfigMessageType, NLM_F_REQUEST | NLM_F_ACK);
        writer.WriteStruct(new NfGenMsg { Family = family, Version = NFNETLINK_V0, ResourceIdBigEndian = BinaryPrimitives.ReverseEndianness(group) });
        if (command is byte cmd)
        {
            writer.WriteU8(NFULA_CFG_CMD, cmd);
        }

        if (copyRange is uint range)
        {
            // struct nfulnl_msg_config_mode: __be32 copy_range, __u8 copy_mode, __u8 pad (packed, 6 bytes).
            Span<byte> mode = stackalloc byte[6];
            BinaryPrimitives.WriteUInt32BigEndian(mode, range);
            mode[4] = NFULNL_COPY_PACKET;
            mode[5] = 0;
            writer.WriteAttribute(NFULA_CFG_MODE, mode);
        }

        writer.EndMessage();
        var bytes = writer.Written;
        uint sequence = ++_sequence;
        MemoryMarshal.Write(bytes[8..], sequence); // nlmsg_seq, host order
        string operation = command is null ? $"NFULNL_MSG_CONFIG group {group} copy range {copyRange}" : $"NFULNL_MSG_CONFIG group {group} command {command} family {family}";
        try
        {
            _socket.Send(bytes);
            bool interrupted = false;
            int errno;
            string? kernelMessage;
            while (!NetlinkResponses.Process(_buffer.AsSpan(0, _socket.Receive(_buffer)), sequence, null, ref interrupted, out errno, out kernelMessage))
            {
            }

            if (errno != 0 && throwOnError)
            {
                throw new NetlinkException(operation, errno, kernelMessage);
            }
        }
        catch (SocketException e)
        {
            throw new NetlinkException(operation, e.NativeErrorCode, "socket failed", e);
        }
    }
}
