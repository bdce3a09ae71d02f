namespace Weft.Linux.Interop;

/// <summary>
/// Kernel and libc constants used by the Weft.Linux.* libraries, spelled as in the C headers so
/// they can be grepped and checked against the headers by a test. Values are the generic Linux
/// ABI shared by x86-64 and arm64.
/// </summary>
public static class LinuxConstants
{
    /// <summary>sched.h: new network namespace.</summary>
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>fcntl.h: open for reading only.</summary>
    public const int O_RDONLY = 0;

    /// <summary>fcntl.h: open for writing only.</summary>
    public const int O_WRONLY = 1;

    /// <summary>fcntl.h: create the file if missing.</summary>
    public const int O_CREAT = 0x40;

    /// <summary>fcntl.h: fail if the file exists (with O_CREAT).</summary>
    public const int O_EXCL = 0x80;

    /// <summary>fcntl.h: close on exec.</summary>
    public const int O_CLOEXEC = 0x80000;

    /// <summary>sys/mman.h: memfd_create's close-on-exec flag.</summary>
    public const uint MFD_CLOEXEC = 1;

    /// <summary>fcntl.h: operate on the descriptor itself when the path is empty.</summary>
    public const int AT_EMPTY_PATH = 0x1000;

    /// <summary>linux/stat.h: request stx_ino.</summary>
    public const uint STATX_INO = 0x100;

    /// <summary>sys/mount.h: bind mount.</summary>
    public const ulong MS_BIND = 0x1000;

    /// <summary>sys/mount.h: apply recursively.</summary>
    public const ulong MS_REC = 0x4000;

    /// <summary>sys/mount.h: shared propagation.</summary>
    public const ulong MS_SHARED = 1 << 20;

    /// <summary>sys/mount.h: lazy unmount.</summary>
    public const int MNT_DETACH = 2;

    /// <summary>sys/socket.h: netlink address family.</summary>
    public const int AF_NETLINK = 16;

    /// <summary>sys/socket.h: raw socket type.</summary>
    public const int SOCK_RAW = 3;

    /// <summary>sys/socket.h: close-on-exec socket flag.</summary>
    public const int SOCK_CLOEXEC = 0x80000;

    /// <summary>linux/netlink.h: routing netlink protocol.</summary>
    public const int NETLINK_ROUTE = 0;

    /// <summary>linux/nsfs.h: _IO(0xb7, 0x3), returns the CLONE_NEW* type of a namespace fd.</summary>
    public const nuint NS_GET_NSTYPE = 0xb703;
}
