using System.Runtime.InteropServices;

namespace Weft.Linux.Interop;

/// <summary>errno values Weft reacts to, and their symbolic names for error messages.</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory (also "no such neighbour").</summary>
    public const int ENOENT = 2;
    /// <summary>No such process (also "no such route").</summary>
    public const int ESRCH = 3;
    /// <summary>Interrupted system call.</summary>
    public const int EINTR = 4;
    /// <summary>Input/output error.</summary>
    public const int EIO = 5;
    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Try again.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>File exists.</summary>
    public const int EEXIST = 17;
    /// <summary>No such device (also "no such link").</summary>
    public const int ENODEV = 19;
    /// <summary>Not a directory.</summary>
    public const int ENOTDIR = 20;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>Inappropriate ioctl for device.</summary>
    public const int ENOTTY = 25;
    /// <summary>Numerical result out of range.</summary>
    public const int ERANGE = 34;
    /// <summary>Message too long.</summary>
    public const int EMSGSIZE = 90;
    /// <summary>Protocol not supported.</summary>
    public const int EPROTONOSUPPORT = 93;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>Address family not supported.</summary>
    public const int EAFNOSUPPORT = 97;
    /// <summary>Address already in use.</summary>
    public const int EADDRINUSE = 98;
    /// <summary>Cannot assign requested address (also "no such address").</summary>
    public const int EADDRNOTAVAIL = 99;
    /// <summary>Network is down.</summary>
    public const int ENETDOWN = 100;
    /// <summary>Network is unreachable.</summary>
    public const int ENETUNREACH = 101;
    /// <summary>No buffer space available.</summary>
    public const int ENOBUFS = 105;
    /// <summary>Connection timed out.</summary>
    public const int ETIMEDOUT = 110;

    /// <summary>The symbolic name, e.g. "EEXIST", or "errno 123" for values not listed here.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        ESRCH => nameof(ESRCH),
        EINTR => nameof(EINTR),
        EIO => nameof(EIO),
        EBADF => nameof(EBADF),
        EAGAIN => nameof(EAGAIN),
        ENOMEM => nameof(ENOMEM),
        EACCES => nameof(EACCES),
        EBUSY => nameof(EBUSY),
        EEXIST => nameof(EEXIST),
        ENODEV => nameof(ENODEV),
        ENOTDIR => nameof(ENOTDIR),
        EINVAL => nameof(EINVAL),
        ENOTTY => nameof(ENOTTY),
        ERANGE => nameof(ERANGE),
        EMSGSIZE => nameof(EMSGSIZE),
        EPROTONOSUPPORT => nameof(EPROTONOSUPPORT),
        EOPNOTSUPP => nameof(EOPNOTSUPP),
        EAFNOSUPPORT => nameof(EAFNOSUPPORT),
        EADDRINUSE => nameof(EADDRINUSE),
        EADDRNOTAVAIL => nameof(EADDRNOTAVAIL),
        ENETDOWN => nameof(ENETDOWN),
        ENETUNREACH => nameof(ENETUNREACH),
        ENOBUFS => nameof(ENOBUFS),
        ETIMEDOUT => nameof(ETIMEDOUT),
        _ => $"errno {errno}",
    };

    /// <summary>libc's text plus the symbolic name, e.g. "File exists (EEXIST)".</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} ({Name(errno)})";
}
