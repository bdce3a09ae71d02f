using Weft.Linux.Interop;

namespace Weft.Linux.Netlink;

/// <summary>
/// The kernel refused a netlink request, e.g. "RTM_NEWLINK veth weft1234: File exists (EEXIST)".
/// <see cref="Operation"/> names the message type and the object it was about.
/// </summary>
public sealed class NetlinkException : IOException
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    public NetlinkException(string operation, int errno, string? kernelMessage = null, Exception? innerException = null)
        : base(Format(operation, errno, kernelMessage), innerException)
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
        HResult = errno;
    }

    /// <summary>The request and its object, e.g. "RTM_NEWROUTE 10.1.0.0/24 table 254".</summary>
    public string Operation { get; }

    /// <summary>The errno the kernel returned.</summary>
    public int Errno { get; }

    /// <summary>The symbolic errno name, e.g. "EEXIST".</summary>
    public string ErrnoName => Interop.Errno.Name(Errno);

    /// <summary>The kernel's extended-ack text, when it sent one (e.g. "Nexthop device is not up").</summary>
    public string? KernelMessage { get; }

    private static string Format(string operation, int errno, string? kernelMessage) =>
        kernelMessage is null
            ? $"{operation}: {Interop.Errno.Describe(errno)}"
            : $"{operation}: {Interop.Errno.Describe(errno)}: {kernelMessage}";
}
