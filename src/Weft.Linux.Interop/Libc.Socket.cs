using System.Runtime.InteropServices;

namespace Weft.Linux.Interop;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(LibraryName, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, in SockaddrNl address, uint addressLength);
}

/// <summary>struct sockaddr_nl from linux/netlink.h (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SockaddrNl
{
    /// <summary>Always AF_NETLINK.</summary>
    public ushort Family;

    /// <summary>Padding, zero.</summary>
    public ushort Pad;

    /// <summary>Port id; 0 lets the kernel pick one.</summary>
    public uint PortId;

    /// <summary>Multicast group mask.</summary>
    public uint Groups;
}
