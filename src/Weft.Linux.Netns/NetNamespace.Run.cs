using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Weft.Linux.Interop;
using static Weft.Linux.Interop.LinuxConstants;

namespace Weft.Linux.Netns;

public sealed partial class NetNamespace
{
    private static readonly Lock SignalInitGate = new();
    private static bool _signalHandlingStarted;

    /// <summary>
    /// Runs <paramref name="action"/> synchronously on a new dedicated OS thread that has entered
    /// this namespace, and returns its result (exceptions are rethrown here).
    /// </summary>
    /// <remarks>
    /// The thread exits afterwards, so no thread ever goes back to a pool in the wrong namespace.
    /// The action must be synchronous: threads it starts, including thread-pool threads the runtime
    /// may create on its behalf, inherit the namespace. Sockets (<see cref="CreateSocket"/>),
    /// netlink sockets and child processes keep the namespace they were created in, so create
    /// them here and use them from any thread.
    /// </remarks>
    public T Run<T>(Func<T> action)
    {
        T result = default!;
        RunOnThrowawayThread(() =>
        {
            Syscalls.SetNs(Handle, CLONE_NEWNET, Path);
            result = action();
        });
        return result;
    }

    /// <summary>Runs <paramref name="action"/> like <see cref="Run{T}(Func{T})"/>.</summary>
    public void Run(Action action) => Run(() =>
    {
        action();
        return true;
    });

    /// <summary>Creates a socket inside this namespace; it can then be used from any thread.</summary>
    public Socket CreateSocket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) =>
        Run(() => new Socket(addressFamily, socketType, protocolType));

    /// <summary>
    /// Starts a process whose network namespace is this one (a child inherits the namespace of
    /// the thread that forks it). Everything else (mount namespace, environment) is the caller's.
    /// </summary>
    public Process StartProcess(ProcessStartInfo startInfo)
    {
        EnsureSignalHandlingStartedHere();
        return Run(() => Process.Start(startInfo)
            ?? throw new InvalidOperationException($"starting '{startInfo.FileName}' in {this} returned no process"));
    }

    /// <summary>Reads a net.* sysctl (e.g. "net.ipv4.ip_forward") as seen inside this namespace, trimmed.</summary>
    public string ReadSysctl(string key)
    {
        string file = SysctlPath(key);
        return Run(() => File.ReadAllText(file).TrimEnd('\n'));
    }

    /// <summary>Writes a net.* sysctl (e.g. "net.ipv6.conf.all.forwarding") inside this namespace.</summary>
    public void WriteSysctl(string key, string value)
    {
        string file = SysctlPath(key);
        try
        {
            Run(() => File.WriteAllText(file, value));
        }
        catch (IOException e)
        {
            throw new IOException($"sysctl {key}={value} in {this}: {e.Message}", e);
        }
    }

    // /proc/sys/net resolves against the namespace of the thread that opens the file, which is
    // why both sysctl methods open it inside Run. Like sysctl(8): with a '/' in the key, '/'
    // separates and '.' is literal (for interface names such as "eth0.100").
    private static string SysctlPath(string key)
    {
        bool slashSeparated = key.Contains('/', StringComparison.Ordinal);
        string relative = slashSeparated ? key : key.Replace('.', '/');
        if (!relative.StartsWith("net/", StringComparison.Ordinal) || relative.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"sysctl key '{key}' is not a net.* key", nameof(key));
        }

        return "/proc/sys/" + relative;
    }

    // The runtime starts its signal-handling thread lazily on the first Process.Start. If that
    // happened inside Run, the thread would live in (and pin) this namespace for the life of the
    // process. Registering any signal handler here starts that thread in the caller's namespace.
    private static void EnsureSignalHandlingStartedHere()
    {
        lock (SignalInitGate)
        {
            if (!_signalHandlingStarted)
            {
                using (PosixSignalRegistration.Create(PosixSignal.SIGCONT, static _ => { }))
                {
                }

                _signalHandlingStarted = true;
            }
        }
    }

    private static void RunOnThrowawayThread(Action action)
    {
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "weft-netns",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
    }
}
