namespace Weft.Linux.Interop;

/// <summary>
/// A failed libc call. <see cref="Operation"/> names the call and its object, e.g.
/// "setns /run/netns/pod1", so the message stands on its own in a log.
/// </summary>
public sealed class SyscallException : IOException
{
    /// <summary>Creates the exception for a failed <paramref name="operation"/> with <paramref name="errno"/>.</summary>
    public SyscallException(string operation, int errno)
        : base($"{operation}: {Interop.Errno.Describe(errno)}")
    {
        Operation = operation;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The call and the object it was applied to.</summary>
    public string Operation { get; }

    /// <summary>The errno value reported by libc.</summary>
    public int Errno { get; }

    /// <summary>The symbolic errno name, e.g. "EEXIST".</summary>
    public string ErrnoName => Interop.Errno.Name(Errno);
}
