using System.Diagnostics;

namespace Weft.Cni.Tests.Support;

/// <summary>
/// Publishes weft-cni with NativeAOT once per test run, as it ships. Set WEFT_CNI_BINARY to test a
/// binary that is already published (e.g. by CI) and skip the publish.
/// </summary>
public sealed class PublishedCni
{
    public PublishedCni()
    {
        var preset = Environment.GetEnvironmentVariable("WEFT_CNI_BINARY");
        if (!string.IsNullOrEmpty(preset))
        {
            Assert.True(File.Exists(preset), $"WEFT_CNI_BINARY={preset} does not exist");
            BinaryPath = preset;
            return;
        }

        var root = RepoRoot();
        var psi = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "Weft.Cni"), "-c", "Release", "-r", "linux-x64", "--nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using var publish = Process.Start(psi)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        if (!publish.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            publish.Kill(entireProcessTree: true);
            Assert.Fail("dotnet publish of weft-cni took more than 5 minutes");
        }

        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{stdout.Result}\n{stderr.Result}");
        BinaryPath = Path.Combine(root, "artifacts", "publish", "Weft.Cni", "release_linux-x64", "weft-cni");
        Assert.True(File.Exists(BinaryPath), $"published binary not found at {BinaryPath}");
    }

    public string BinaryPath { get; }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Weft.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Weft.slnx above {AppContext.BaseDirectory}");
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedCniCollection : ICollectionFixture<PublishedCni>
{
    public const string Name = "published weft-cni";
}
