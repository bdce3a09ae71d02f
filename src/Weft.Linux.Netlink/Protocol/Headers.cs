using System.Runtime.InteropServices;

namespace Weft.Linux.Netlink.Protocol;

// Fixed-size wire headers in host byte order, field for field as in the kernel headers.
// Their sizes are checked against the C compiler by a test.

/// <summary>struct nlmsghdr (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    public uint Length;
    public ushort Type;
    public ushort Flags;
    public uint Sequence;
    public uint PortId;
}

/// <summary>struct ifinfomsg (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfInfoMsg
{
    public byte Family;
    public byte Pad;
    public ushort Type;
    public int Index;
    public uint Flags;
    public uint Change;
}

/// <summary>struct ifaddrmsg (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfAddrMsg
{
    public byte Family;
    public byte PrefixLength;
    public byte Flags;
    public byte Scope;
    public int Index;
}

/// <summary>struct rtmsg (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RtMsg
{
    public byte Family;
    public byte DestinationLength;
    public byte SourceLength;
    public byte Tos;
    public byte Table;
    public byte Protocol;
    public byte Scope;
    public byte Type;
    public uint Flags;
}

/// <summary>struct ndmsg (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NdMsg
{
    public byte Family;
    public byte Pad1;
    public ushort Pad2;
    public int IfIndex;
    public ushort State;
    public byte Flags;
    public byte Type;
}

/// <summary>struct nlmsgerr (20 bytes): the payload of NLMSG_ERROR, an ack when Error is 0.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgErr
{
    public int Error;
    public NlMsgHdr Request;
}

/// <summary>struct tcmsg (20 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcMsg
{
    public byte Family;
    public byte Pad1;
    public ushort Pad2;
    public int IfIndex;
    public uint Handle;
    public uint Parent;
    public uint Info;
}

/// <summary>struct tc_ratespec (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcRateSpec
{
    public byte CellLog;
    public byte LinkLayer;
    public ushort Overhead;
    public short CellAlign;
    public ushort Mpu;
    public uint Rate;
}

/// <summary>struct tc_tbf_qopt (36 bytes): rates in bytes/s, limit in bytes; buffer and mtu in ticks (Weft sends the burst in bytes instead).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcTbfQopt
{
    public TcRateSpec Rate;
    public TcRateSpec PeakRate;
    public uint Limit;
    public uint Buffer;
    public uint Mtu;
}

/// <summary>
/// struct tc_netem_qopt (24 bytes): the fixed head of netem's TCA_OPTIONS, before its attributes. Latency and
/// jitter here are in psched ticks and capped at 32 bits, so Weft leaves them 0 and sends the 64-bit ns attributes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcNetemQopt
{
    public uint Latency;
    public uint Limit;
    public uint Loss;
    public uint Gap;
    public uint Duplicate;
    public uint Jitter;
}
