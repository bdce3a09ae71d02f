namespace Weft.Lab;

/// <summary>
/// Finds the agent and CNI binaries the lab runs: the same builds that production uses. The `weft`
/// launcher builds them into artifacts/; WEFT_AGENT and WEFT_CNI override.
/// </summary>
public static class LabBinaries
{
    public static string Agent => Find("WEFT_AGENT", "bin/Weft.Agent", "weft-agent");

    public static string Cni => Find("WEFT_CNI", "publish/Weft.Cni", "weft-cni");

    /// <summary>The CLI, for benchmarks that start a lab the way a user does.</summary>
    public static string Cli => Find("WEFT_CLI", "bin/Weft.Cli", "weft");

    public static string? RepoRoot()
    {
        var env = Environment.GetEnvironmentVariable("WEFT_ROOT");
        if (env is not null && File.Exists(Path.Combine(env, "Weft.slnx")))
        {
            return env;
        }
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Weft.slnx")))
            {
                return d.FullName;
            }
        }
        return null;
    }

    private static string Find(string envVar, string artifactsSub, string file)
    {
        var env = Environment.GetEnvironmentVariable(envVar);
        if (!string.IsNullOrEmpty(env))
        {
            return File.Exists(env) ? env : throw new FileNotFoundException($"{envVar}={env}: no such file");
        }
        var root = RepoRoot() ?? throw new FileNotFoundException($"cannot find {file}: set {envVar} or WEFT_ROOT");
        var dir = Path.Combine(root, "artifacts", artifactsSub);
        var found = Directory.Exists(dir)
            ? Directory.GetFiles(dir, file, SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return found ?? throw new FileNotFoundException($"{file} is not built under {dir}; run ./weft build");
    }
}
