using System.Runtime.InteropServices;

namespace Weft.Linux.Interop;

/// <summary>Raw libnftables entry points (nftables' own library, the engine behind the nft CLI).</summary>
internal static partial class LibNftables
{
    // The soname Debian's libnftables1 installs; a dependency of the nftables package.
    private const string LibraryName = "libnftables.so.1";

    internal const uint CtxDefault = 0;
    internal const uint OutputJson = 1 << 4;

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_new")]
    internal static partial nint CtxNew(uint flags);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_free")]
    internal static partial void CtxFree(nint ctx);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_buffer_output")]
    internal static partial int BufferOutput(nint ctx);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_buffer_error")]
    internal static partial int BufferError(nint ctx);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_get_output_buffer")]
    internal static partial nint GetOutputBuffer(nint ctx);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_get_error_buffer")]
    internal static partial nint GetErrorBuffer(nint ctx);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_output_get_flags")]
    internal static partial uint OutputGetFlags(nint ctx);

    [LibraryImport(LibraryName, EntryPoint = "nft_ctx_output_set_flags")]
    internal static partial void OutputSetFlags(nint ctx, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "nft_run_cmd_from_filename", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int RunCmdFromFilename(nint ctx, string path);

    [LibraryImport(LibraryName, EntryPoint = "nft_run_cmd_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int RunCmdFromBuffer(nint ctx, string buffer);
}
