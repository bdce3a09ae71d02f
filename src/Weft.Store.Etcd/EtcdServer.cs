using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Weft.Linux.Interop;

namespace Weft.Store.Etcd;

/// <summary>
/// A single-member etcd for the lab and for tests, listening only on unix sockets inside its directory
/// (<c>{dir}/localhost:0</c> for clients, <c>{dir}/localhost:1</c> for peers), with data in <c>{dir}/data</c>,
/// its log in <c>{dir}/etcd.log</c> and its PID in <c>{dir}/etcd.pid</c>.
/// </summary>
public sealed partial class EtcdServer : IAsyncDisposable
{
    /// <summary>Where Debian's etcd-server package installs etcd.</summary>
    public const string Binary = "/usr/bin/etcd";

    // sun_path holds 108 bytes including the terminating NUL.
    private const int MaxSocketPath = 107;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Process? _child;

    private EtcdServer(string dir, int pid, Process? child)
    {
        Directory = dir;
        Pid = pid;
        _child = child;
    }

    /// <summary>The directory holding data, sockets, log and PID file.</summary>
    public string Directory { get; }

    /// <summary>The client endpoint, <c>unix://{dir}/localhost:0</c>, for <see cref="EtcdStore.Connect"/>.</summary>
    public string Endpoint => "unix://" + Path.Combine(Directory, "localhost:0");

    /// <summary>The etcd process; the only process <see cref="StopAsync"/> ever signals.</summary>
    public int Pid { get; }

    /// <summary>The log file etcd writes to.</summary>
    public string LogPath => Path.Combine(Directory, "etcd.log");

    /// <summary>
    /// Starts etcd in <paramref name="dir"/> (created if missing; existing data is reused) and returns once it answers
    /// a request. With <paramref name="detached"/>, etcd runs in its own session and outlives this process; find it
    /// again with <see cref="Attach"/>. Throws <see cref="FileNotFoundException"/> when etcd is not installed, and
    /// <see cref="InvalidOperationException"/> with the log tail when it does not come up within 20 s.
    /// </summary>
    public static async Task<EtcdServer> StartAsync(string dir, bool detached = false, CancellationToken ct = default)
    {
        if (!File.Exists(Binary))
        {
            throw new FileNotFoundException($"etcd not found at {Binary}: install Debian package etcd-server", Binary);
        }
        dir = Path.GetFullPath(dir);
        var socket = Path.Combine(dir, "localhost:0");
        if (Encoding.UTF8.GetByteCount(socket) > MaxSocketPath)
        {
            throw new ArgumentException($"etcd directory '{dir}' is too long: socket path '{socket}' exceeds {MaxSocketPath} bytes", nameof(dir));
        }
        System.IO.Directory.CreateDirectory(dir);
        var server = detached ? await StartDetachedAsync(dir, ct) : StartChild(dir);
        await File.WriteAllTextAsync(server.PidPath, server.Pid.ToString(CultureInfo.InvariantCulture), ct);
        try
        {
            await server.WaitReadyAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The etcd started detached in <paramref name="dir"/>, or null when its PID file is missing or the process is gone.</summary>
    public static EtcdServer? Attach(string dir)
    {
        dir = Path.GetFullPath(dir);
        var pidPath = Path.Combine(dir, "etcd.pid");
        if (!File.Exists(pidPath) || !int.TryParse(File.ReadAllText(pidPath).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        return IsEtcd(pid) ? new EtcdServer(dir, pid, null) : null;
    }

    /// <summary>Compacts etcd's history up to <paramref name="revision"/>: watches from older revisions then expire.</summary>
    public async Task CompactAsync(string revision, CancellationToken ct = default)
    {
        using var channel = EtcdChannel.Create(Endpoint);
        var request = new CompactionRequest { Revision = EtcdCodec.ParseRevision(revision, "compaction revision"), Physical = true };
        await new KV.KVClient(channel).CompactAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
    }

    /// <summary>Sends SIGTERM to <see cref="Pid"/>, then SIGKILL if it has not exited within 5 s. Removes no files.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning())
        {
            return;
        }
        _ = Syscalls.Kill(Pid, Syscalls.SigTerm);
        if (await WaitExitAsync(StopTimeout))
        {
            return;
        }
        _ = Syscalls.Kill(Pid, Syscalls.SigKill);
        await WaitExitAsync(StopTimeout);
    }

    /// <summary>Stops etcd (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _child?.Dispose();
    }

    /// <summary>The last lines of the log, for error messages.</summary>
    public string LogTail(int lines = 20)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log at {LogPath}: {e.Message})";
        }
    }

    private string PidPath => Path.Combine(Directory, "etcd.pid");

    private static string[] Arguments(string dir) =>
    [
        "--name", "default",
        "--data-dir", Path.Combine(dir, "data"),
        "--listen-client-urls", "unix://localhost:0",
        "--advertise-client-urls", "unix://localhost:0",
        "--listen-peer-urls", "unix://localhost:1",
        "--initial-advertise-peer-urls", "unix://localhost:1",
        "--initial-cluster", "default=unix://localhost:1",
        // Weft's watchers rely on history; only explicit compaction removes it.
        "--auto-compaction-retention", "0",
        "--quota-backend-bytes", (256L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        "--logger", "zap",
        "--log-level", "warn",
    ];

    private static EtcdServer StartChild(string dir)
    {
        // exec keeps the PID: the shell only sets up the log redirection and becomes etcd.
        var psi = Shell(dir, "log=$1; shift; exec " + Binary + " \"$@\" </dev/null >>\"$log\" 2>&1");
        var child = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Binary}");
        return new EtcdServer(dir, child.Id, child);
    }

    private static async Task<EtcdServer> StartDetachedAsync(string dir, CancellationToken ct)
    {
        // setsid puts etcd in its own session, so neither our exit nor our terminal's hangup reaches it.
        var psi = Shell(dir, "log=$1; shift; setsid " + Binary + " \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!");
        psi.RedirectStandardOutput = true;
        using var shell = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");
        var output = await shell.StandardOutput.ReadToEndAsync(ct);
        await shell.WaitForExitAsync(ct);
        if (!int.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            throw new InvalidOperationException($"starting detached etcd in {dir}: expected a PID from the shell, got '{output.Trim()}'");
        }
        // The PID is the background shell's until it has exec'd setsid and then etcd; only then does IsEtcd hold.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!IsEtcd(pid) && Comm(pid) is ("sh" or "setsid") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, ct);
        }
        return new EtcdServer(dir, pid, null);
    }

    private static ProcessStartInfo Shell(string dir, string script)
    {
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = dir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(Path.Combine(dir, "etcd.log"));
        foreach (var arg in Arguments(dir))
        {
            psi.ArgumentList.Add(arg);
        }
        return psi;
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        using var channel = EtcdChannel.Create(Endpoint);
        var kv = new KV.KVClient(channel);
        while (true)
        {
            if (!IsRunning())
            {
                throw new InvalidOperationException($"etcd in {Directory} exited during start-up; log tail:\n{LogTail()}");
            }
            if (File.Exists(Endpoint["unix://".Length..]))
            {
                try
                {
                    await kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/") },
                        deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: ct);
                    return;
                }
                catch (RpcException) when (DateTime.UtcNow < deadline)
                {
                    // Not serving yet (no leader elected): try again.
                }
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"etcd in {Directory} (pid {Pid}) did not answer within {StartTimeout.TotalSeconds} s; log tail:\n{LogTail()}");
            }
            await Task.Delay(50, ct);
        }
    }

    private bool IsRunning() => _child is null ? IsEtcd(Pid) : !_child.HasExited;

    private async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsRunning())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>True when <paramref name="pid"/> is a live etcd (not a zombie, not a reused PID of something else).</summary>
    private static bool IsEtcd(int pid) => Stat(pid) is ("etcd", not ('Z' or 'X'));

    private static string? Comm(int pid) => Stat(pid)?.Comm;

    /// <summary>Command name and state from /proc/&lt;pid&gt;/stat ("pid (comm) state …"), or null when there is no such process.</summary>
    private static (string Comm, char State)? Stat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        var close = stat.LastIndexOf(')');
        return (stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close], stat[close + 2]);
    }

}
