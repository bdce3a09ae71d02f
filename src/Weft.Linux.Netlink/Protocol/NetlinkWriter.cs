using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;

namespace Weft.Linux.Netlink.Protocol;

/// <summary>
/// Writes one netlink message into a caller-provided buffer: nlmsghdr, a fixed family header,
/// then attributes, which may nest. Lengths are patched when a message or nest ends; padding is
/// zeroed. No I/O and no allocation. The sequence number is left 0 for the socket to stamp.
/// </summary>
internal ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private int _messageStart;

    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _messageStart = -1;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The finished bytes (writable so the transport can stamp the sequence number).</summary>
    public readonly Span<byte> Written => _buffer[.._length];

    public void BeginMessage(ushort type, ushort flags)
    {
        if (_messageStart >= 0)
        {
            throw new InvalidOperationException("netlink message already open");
        }

        _messageStart = _length;
        WriteStruct(new NlMsgHdr { Type = type, Flags = flags });
    }

    public void EndMessage()
    {
        if (_messageStart < 0)
        {
            throw new InvalidOperationException("no netlink message open");
        }

        MemoryMarshal.Write(_buffer[_messageStart..], (uint)(_length - _messageStart));
        _messageStart = -1;
    }

    /// <summary>Writes a fixed header such as ifinfomsg, padded to 4 bytes.</summary>
    public void WriteStruct<T>(in T value)
        where T : unmanaged
    {
        var span = Reserve(Unsafe.SizeOf<T>());
        MemoryMarshal.Write(span, in value);
    }

    public void WriteAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var span = Reserve(4 + value.Length);
        WriteAttributeHeader(span, type, 4 + value.Length);
        value.CopyTo(span[4..]);
    }

    public void WriteU8(ushort type, byte value) => WriteAttribute(type, [value]);

    public void WriteU16(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        MemoryMarshal.Write(bytes, in value);
        WriteAttribute(type, bytes);
    }

    /// <summary>A 16-bit value in network byte order (e.g. IFLA_VXLAN_PORT).</summary>
    public void WriteU16BigEndian(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        WriteAttribute(type, bytes);
    }

    public void WriteU32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, in value);
        WriteAttribute(type, bytes);
    }

    public void WriteI32(ushort type, int value) => WriteU32(type, unchecked((uint)value));

    public void WriteU64(ushort type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        MemoryMarshal.Write(bytes, in value);
        WriteAttribute(type, bytes);
    }

    /// <summary>An attribute whose value is a fixed C struct (e.g. TCA_TBF_PARMS).</summary>
    public void WriteStruct<T>(ushort type, in T value)
        where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[Unsafe.SizeOf<T>()];
        MemoryMarshal.Write(bytes, in value);
        WriteAttribute(type, bytes);
    }

    /// <summary>A NUL-terminated string, as the kernel expects for names and kinds.</summary>
    public void WriteString(ushort type, string value)
    {
        int size = Encoding.UTF8.GetByteCount(value) + 1;
        var span = Reserve(4 + size);
        WriteAttributeHeader(span, type, 4 + size);
        Encoding.UTF8.GetBytes(value, span[4..]);
        span[4 + size - 1] = 0;
    }

    /// <summary>The address bytes in network order: 4 for IPv4, 16 for IPv6.</summary>
    public void WriteAddress(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        WriteAttribute(type, bytes[..written]);
    }

    /// <summary>Opens a nested attribute; pass the result to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int start = _length;
        WriteAttributeHeader(Reserve(4), type, 4);
        return start;
    }

    public void EndNested(int start) =>
        MemoryMarshal.Write(_buffer[start..], (ushort)(_length - start));

    private static void WriteAttributeHeader(Span<byte> span, ushort type, int length)
    {
        if (length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"netlink attribute {type} is larger than 65535 bytes");
        }

        MemoryMarshal.Write(span, (ushort)length);
        MemoryMarshal.Write(span[2..], type);
    }

    private Span<byte> Reserve(int size)
    {
        int aligned = Align(size);
        if (_length + aligned > _buffer.Length)
        {
            throw new InvalidOperationException($"netlink request does not fit in {_buffer.Length} bytes");
        }

        var span = _buffer.Slice(_length, aligned);
        span[size..].Clear();
        _length += aligned;
        return span[..size];
    }

    internal static int Align(int size) => (size + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
}
