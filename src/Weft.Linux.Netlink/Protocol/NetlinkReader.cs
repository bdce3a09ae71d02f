using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;

namespace Weft.Linux.Netlink.Protocol;

/// <summary>One netlink message inside a received buffer: its header and the bytes after it.</summary>
internal readonly ref struct NetlinkMessage
{
    public NetlinkMessage(NlMsgHdr header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    public NlMsgHdr Header { get; }

    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The fixed family header (ifinfomsg, rtmsg, ...) at the start of the payload.</summary>
    public T Read<T>()
        where T : unmanaged
    {
        if (Payload.Length < Unsafe.SizeOf<T>())
        {
            throw new InvalidDataException($"netlink message type {Header.Type} has {Payload.Length} payload bytes, less than its {typeof(T).Name} header");
        }

        return MemoryMarshal.Read<T>(Payload);
    }

    /// <summary>The attributes that follow the fixed header <typeparamref name="T"/>.</summary>
    public NetlinkAttributeReader Attributes<T>()
        where T : unmanaged
    {
        int offset = NetlinkWriter.Align(Unsafe.SizeOf<T>());
        return new NetlinkAttributeReader(offset <= Payload.Length ? Payload[offset..] : []);
    }
}

/// <summary>Iterates over the messages of one received datagram (use with foreach).</summary>
internal ref struct NetlinkMessageReader
{
    private static readonly int HeaderSize = Unsafe.SizeOf<NlMsgHdr>();
    private ReadOnlySpan<byte> _remaining;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _remaining = datagram;
        Current = default;
    }

    public NetlinkMessage Current { get; private set; }

    public readonly NetlinkMessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_remaining.Length < HeaderSize)
        {
            // Trailing bytes shorter than a header can only be padding.
            return false;
        }

        var header = MemoryMarshal.Read<NlMsgHdr>(_remaining);
        if (header.Length < HeaderSize || header.Length > _remaining.Length)
        {
            throw new InvalidDataException($"netlink message type {header.Type} claims {header.Length} bytes, {_remaining.Length} left in the datagram");
        }

        Current = new NetlinkMessage(header, _remaining[HeaderSize..(int)header.Length]);
        int next = Math.Min(NetlinkWriter.Align((int)header.Length), _remaining.Length);
        _remaining = _remaining[next..];
        return true;
    }
}

/// <summary>One attribute (type with the NESTED/BYTEORDER flags stripped, and its value).</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> value)
    {
        Type = (ushort)(rawType & NLA_TYPE_MASK);
        Value = value;
    }

    public ushort Type { get; }

    public ReadOnlySpan<byte> Value { get; }

    public byte AsU8() => Value[..CheckSize(1)][0];

    public ushort AsU16() => MemoryMarshal.Read<ushort>(Value[..CheckSize(2)]);

    public ushort AsU16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Value[..CheckSize(2)]);

    public uint AsU32() => MemoryMarshal.Read<uint>(Value[..CheckSize(4)]);

    public int AsI32() => unchecked((int)AsU32());

    /// <summary>A string up to its first NUL (the kernel terminates names with one).</summary>
    public string AsString()
    {
        int end = Value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? Value[..end] : Value);
    }

    public IPAddress AsAddress()
    {
        if (Value.Length is not (4 or 16))
        {
            throw new InvalidDataException($"netlink attribute {Type} holds {Value.Length} bytes, not an IPv4 or IPv6 address");
        }

        return new IPAddress(Value);
    }

    public byte[] AsBytes() => Value.ToArray();

    public NetlinkAttributeReader Nested() => new(Value);

    private int CheckSize(int size) => Value.Length >= size
        ? size
        : throw new InvalidDataException($"netlink attribute {Type} holds {Value.Length} bytes, expected {size}");
}

/// <summary>Iterates over a run of attributes (use with foreach).</summary>
internal ref struct NetlinkAttributeReader
{
    private const int HeaderSize = 4;
    private ReadOnlySpan<byte> _remaining;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _remaining = attributes;
        Current = default;
    }

    public NetlinkAttribute Current { get; private set; }

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_remaining.Length < HeaderSize)
        {
            return false;
        }

        ushort length = MemoryMarshal.Read<ushort>(_remaining);
        ushort type = MemoryMarshal.Read<ushort>(_remaining[2..]);
        if (length < HeaderSize || length > _remaining.Length)
        {
            throw new InvalidDataException($"netlink attribute {type & NLA_TYPE_MASK} claims {length} bytes, {_remaining.Length} left");
        }

        Current = new NetlinkAttribute(type, _remaining[HeaderSize..length]);
        int next = Math.Min(NetlinkWriter.Align(length), _remaining.Length);
        _remaining = _remaining[next..];
        return true;
    }
}
