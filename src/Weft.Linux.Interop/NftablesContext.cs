using System.Runtime.InteropServices;

namespace Weft.Linux.Interop;

/// <summary>What one libnftables run returned: 0 on success, and what nft would print on stdout and stderr.</summary>
public sealed record NftablesOutcome(int Status, string Output, string Error);

/// <summary>
/// One libnftables context: runs nft command text (the syntax of <c>nft -f</c>) in process, each call one
/// netlink transaction, without starting the nft CLI (a process start costs more than a small commit).
/// </summary>
/// <remarks>
/// The context's netlink socket is opened by <see cref="Open"/> and belongs to the network namespace of
/// the calling thread, like any socket; later calls may come from any thread and still act there.
/// Calls are serialized: a context is not thread-safe.
/// </remarks>
public sealed class NftablesContext : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Handle _handle;

    private NftablesContext(Handle handle) => _handle = handle;

    /// <summary>Opens a context in the calling thread's network namespace.</summary>
    /// <exception cref="DllNotFoundException">libnftables is not installed (Debian package libnftables1).</exception>
    public static NftablesContext Open()
    {
        var handle = new Handle();
        handle.Adopt(LibNftables.CtxNew(LibNftables.CtxDefault));
        if (handle.IsInvalid)
        {
            throw new InvalidOperationException("nft_ctx_new failed: libnftables could not open its netlink socket");
        }
        LibNftables.BufferOutput(handle.Ctx);
        LibNftables.BufferError(handle.Ctx);
        return new NftablesContext(handle);
    }

    /// <summary>The name errors give the script: <c>script:LINE:COLUMNS: Error: ...</c>.</summary>
    public const string ScriptName = "script";

    /// <summary>
    /// Runs a multi-line script as one transaction. Errors name the 1-based line as
    /// <c>script:LINE:COLUMNS:</c> (libnftables loses line positions for in-memory buffers, so the script
    /// goes through an anonymous memory file).
    /// </summary>
    public NftablesOutcome RunScript(string script)
    {
        using var file = Syscalls.MemfdCreate("weft-nft");
        using (var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(file.DangerousGetHandle(), ownsHandle: false), FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(script));
        }
        var path = $"/proc/self/fd/{file.DangerousGetHandle()}";
        var outcome = Execute(ctx => LibNftables.RunCmdFromFilename(ctx, path), json: false);
        return outcome with { Error = outcome.Error.Replace(path + ":", ScriptName + ":", StringComparison.Ordinal) };
    }

    /// <summary>Runs <paramref name="commands"/>; with <paramref name="json"/>, listings come back as nft's JSON.</summary>
    public NftablesOutcome Run(string commands, bool json = false) =>
        Execute(ctx => LibNftables.RunCmdFromBuffer(ctx, commands), json);

    private NftablesOutcome Execute(Func<nint, int> run, bool json)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            var ctx = _handle.Ctx;
            var flags = LibNftables.OutputGetFlags(ctx);
            LibNftables.OutputSetFlags(ctx, json ? flags | LibNftables.OutputJson : flags & ~LibNftables.OutputJson);
            var status = run(ctx);
            // The buffers are reset by each run; read them before the next one.
            var output = Marshal.PtrToStringUTF8(LibNftables.GetOutputBuffer(ctx)) ?? "";
            var error = Marshal.PtrToStringUTF8(LibNftables.GetErrorBuffer(ctx)) ?? "";
            return new NftablesOutcome(status, output, error);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _handle.Dispose();
        }
    }

    /// <summary>Frees the context (and closes its socket) even when a caller forgets to dispose.</summary>
    private sealed class Handle() : SafeHandle(0, ownsHandle: true)
    {
        public nint Ctx => handle;

        public override bool IsInvalid => handle == 0;

        public void Adopt(nint ctx) => SetHandle(ctx);

        protected override bool ReleaseHandle()
        {
            LibNftables.CtxFree(handle);
            return true;
        }
    }
}
