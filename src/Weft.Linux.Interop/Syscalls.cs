using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Weft.Linux.Interop.LinuxConstants;

namespace Weft.Linux.Interop;

/// <summary>
/// Checked wrappers over libc: each either succeeds or throws a <see cref="SyscallException"/>
/// naming the call and its object. The <c>Try</c> variants return the errno instead (0 = success)
/// for callers that treat some errors as normal outcomes.
/// </summary>
public static class Syscalls
{
    /// <summary>open(2). The handle owns the descriptor.</summary>
    public static SafeFileHandle Open(string path, int flags, uint mode = 0)
    {
        int fd = Libc.Open(path, flags | O_CLOEXEC, mode);
        if (fd < 0)
        {
            throw new SyscallException($"open {path}", Marshal.GetLastPInvokeError());
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>memfd_create(2) with MFD_CLOEXEC: an anonymous file that lives as long as the handle.</summary>
    public static SafeFileHandle MemfdCreate(string name)
    {
        int fd = Libc.MemfdCreate(name, MFD_CLOEXEC);
        if (fd < 0)
        {
            throw new SyscallException($"memfd_create {name}", Marshal.GetLastPInvokeError());
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>open(2) that returns the errno instead of throwing.</summary>
    public static int TryOpen(string path, int flags, out SafeFileHandle? handle, uint mode = 0)
    {
        int fd = Libc.Open(path, flags | O_CLOEXEC, mode);
        if (fd < 0)
        {
            handle = null;
            return Marshal.GetLastPInvokeError();
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        return 0;
    }

    /// <summary>setns(2) for the calling thread. <paramref name="what"/> names the target in errors.</summary>
    public static void SetNs(SafeHandle namespaceFd, int nsType, string what)
    {
        bool added = false;
        try
        {
            namespaceFd.DangerousAddRef(ref added);
            if (Libc.SetNs((int)namespaceFd.DangerousGetHandle(), nsType) != 0)
            {
                throw new SyscallException($"setns {what}", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added)
            {
                namespaceFd.DangerousRelease();
            }
        }
    }

    /// <summary>unshare(2) for the calling thread.</summary>
    public static void Unshare(int flags)
    {
        if (Libc.Unshare(flags) != 0)
        {
            throw new SyscallException($"unshare 0x{flags:x}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>mount(2) that returns the errno instead of throwing.</summary>
    public static int TryMount(string? source, string target, string? fileSystemType, ulong flags) =>
        Libc.Mount(source, target, fileSystemType, flags, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>mount(2).</summary>
    public static void Mount(string? source, string target, string? fileSystemType, ulong flags)
    {
        int errno = TryMount(source, target, fileSystemType, flags);
        if (errno != 0)
        {
            throw new SyscallException($"mount {source ?? "none"} on {target} (flags 0x{flags:x})", errno);
        }
    }

    /// <summary>umount2(2) that returns the errno instead of throwing.</summary>
    public static int TryUmount2(string target, int flags) =>
        Libc.Umount2(target, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>ioctl(NS_GET_NSTYPE): the CLONE_NEW* type of a namespace descriptor, or the errno as a negative value.</summary>
    public static int TryGetNamespaceType(SafeHandle fd)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int result = Libc.Ioctl((int)fd.DangerousGetHandle(), NS_GET_NSTYPE);
            return result >= 0 ? result : -Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>The inode number of an open file; for a namespace descriptor it identifies the namespace.</summary>
    public static ulong GetInode(SafeHandle fd, string what)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            if (Libc.Statx((int)fd.DangerousGetHandle(), "", AT_EMPTY_PATH, STATX_INO, out var buffer) != 0)
            {
                throw new SyscallException($"statx {what}", Marshal.GetLastPInvokeError());
            }

            return buffer.Inode;
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>The kernel thread id of the calling thread.</summary>
    public static int GetTid() => Libc.GetTid();

    /// <summary>The process id.</summary>
    public static int GetPid() => Libc.GetPid();

    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int SigInt = 2;

    /// <summary>Sends a signal to one process. False when the process no longer exists (ESRCH).</summary>
    public static bool Kill(int pid, int signal)
    {
        if (Libc.Kill(pid, signal) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno == Errno.ESRCH ? false : throw new SyscallException($"kill({pid}, {signal})", errno);
    }

    /// <summary>
    /// Opens a netlink socket of <paramref name="protocol"/> (e.g. NETLINK_ROUTE) bound to a
    /// kernel-chosen port. The socket belongs to the network namespace of the calling thread.
    /// </summary>
    public static Socket OpenNetlinkSocket(int protocol)
    {
        // .NET has no netlink address family, so the descriptor is made and bound here and
        // then wrapped; Send/Receive on a bound netlink socket talk to the kernel (port 0).
        int fd = Libc.Socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new SyscallException($"socket AF_NETLINK protocol {protocol}", Marshal.GetLastPInvokeError());
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            var address = new SockaddrNl { Family = AF_NETLINK };
            if (Libc.Bind(fd, address, (uint)Unsafe.SizeOf<SockaddrNl>()) != 0)
            {
                throw new SyscallException($"bind AF_NETLINK protocol {protocol}", Marshal.GetLastPInvokeError());
            }

            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
