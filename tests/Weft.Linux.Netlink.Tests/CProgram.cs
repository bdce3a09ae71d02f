using System.Diagnostics;

namespace Weft.Linux.Netlink.Tests;

/// <summary>Compiles a small C program against the system's kernel headers and reads its `NAME=value` lines.</summary>
internal static class CProgram
{
    public static bool CompilerAvailable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, "cc")));

    public static Dictionary<string, string> CompileAndRun(string source)
    {
        string dir = Directory.CreateTempSubdirectory("wt-headers-").FullName;
        try
        {
            string cFile = Path.Combine(dir, "check.c"), binary = Path.Combine(dir, "check");
            File.WriteAllText(cFile, source);
            var (compileCode, compileOutput) = Run("cc", "-o", binary, cFile);
            Assert.True(compileCode == 0, $"cc failed:\n{compileOutput}");
            var (code, output) = Run(binary);
            Assert.Equal(0, code);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2))
                .ToDictionary(p => p[0], p => p[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
