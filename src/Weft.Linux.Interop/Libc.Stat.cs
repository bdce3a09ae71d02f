using System.Runtime.InteropServices;

namespace Weft.Linux.Interop;

internal static partial class Libc
{
    // statx rather than fstat: struct statx has one layout on every architecture.
    [LibraryImport(LibraryName, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);
}

/// <summary>
/// struct statx from linux/stat.h (256 bytes). Only the leading fields Weft reads are named; the
/// rest is reserved space the kernel fills.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 256)]
internal struct StatxBuffer
{
    public uint Mask;
    public uint BlockSize;
    public ulong Attributes;
    public uint LinkCount;
    public uint Uid;
    public uint Gid;
    public ushort Mode;
    public ushort Pad;
    public ulong Inode;
}
