using System.Runtime.InteropServices;

namespace Weft.Linux.Interop;

/// <summary>
/// Raw libc entry points. Internal on purpose: callers use <see cref="Sys"/>, which turns errno
/// into a <see cref="SyscallException"/> exactly once.
/// </summary>
internal static partial class Libc
{
    // The runtime maps "libc" to the real libc soname on Linux.
    private const string LibraryName = "libc";

    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    // ioctl is variadic; on x86-64 and arm64 Linux a variadic call with no extra arguments uses
    // the same registers as this fixed two-argument signature.
    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request);

    [LibraryImport(LibraryName, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MemfdCreate(string name, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "gettid")]
    internal static partial int GetTid();

    [LibraryImport(LibraryName, EntryPoint = "getpid")]
    internal static partial int GetPid();
}
