using System.Diagnostics;
using Weft.Linux.Interop;
using Weft.Linux.Netns;

namespace Weft.Lab;

/// <summary>Starting and stopping the lab's long-running processes, each tracked by the PID the lab recorded.</summary>
public static class Processes
{
    /// <summary>
    /// Starts a process that outlives the caller: its own session (setsid), stdin from /dev/null and
    /// output appended to a log file, so it holds none of the caller's pipes. Returns its PID.
    /// </summary>
    public static int StartDetached(IReadOnlyList<string> command, string logFile, NetNamespace? ns = null)
    {
        var psi = ShellWithLog("setsid \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!", command, logFile);
        psi.RedirectStandardOutput = true;
        using var p = ns is null ? Process.Start(psi)! : ns.StartProcess(psi);
        var pid = p.StandardOutput.ReadLine();
        p.WaitForExit();
        return int.TryParse(pid, out var n) ? n : throw new InvalidOperationException($"could not start {command[0]}");
    }

    /// <summary>Starts a child whose output goes to a log file (the shell execs, so the PID is the program's).</summary>
    public static Process StartChild(IReadOnlyList<string> command, string logFile, NetNamespace? ns = null)
    {
        var psi = ShellWithLog("exec \"$@\" </dev/null >>\"$log\" 2>&1", command, logFile);
        return ns is null ? Process.Start(psi)! : ns.StartProcess(psi);
    }

    /// <summary>`sh -c SCRIPT sh LOG CMD...`: the command travels as positional arguments, so nothing needs quoting.</summary>
    private static ProcessStartInfo ShellWithLog(string script, IReadOnlyList<string> command, string logFile)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=$1; shift; " + script);
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(logFile);
        foreach (var a in command)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    public static bool IsAlive(int pid, string expectedInCmdline)
    {
        try
        {
            var cmd = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmd.Contains(expectedInCmdline, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// SIGTERM, then SIGKILL after the grace period. Only when /proc shows the PID still runs the program we
    /// started (a PID can be reused after the program died).
    /// </summary>
    public static async Task<bool> StopAsync(int pid, string expectedInCmdline, TimeSpan grace)
    {
        if (!IsAlive(pid, expectedInCmdline))
        {
            return false;
        }
        Syscalls.Kill(pid, Syscalls.SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && IsAlive(pid, expectedInCmdline))
        {
            await Task.Delay(50);
        }
        if (IsAlive(pid, expectedInCmdline))
        {
            Syscalls.Kill(pid, Syscalls.SigKill);
        }
        return true;
    }

    public static int? ReadPid(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
}
