using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Weft.Linux.Nftables;

/// <summary>
/// Runs the nft CLI against Weft's one table. Every script goes through <c>nft -f -</c>, one
/// atomic transaction; a script line that targets any other table is refused before nft runs.
/// </summary>
/// <remarks>
/// The network namespace is that of the process <paramref name="starter"/> creates: the default
/// <see cref="Process.Start(ProcessStartInfo)"/> uses the caller's; pass e.g. <c>ns.StartProcess</c>
/// to work on another. Methods are safe to call from any thread; nft itself serializes commits.
/// </remarks>
/// <param name="table">The table name (family inet).</param>
/// <param name="starter">Starts the nft process; chooses the network namespace.</param>
/// <param name="nftPath">The nft binary.</param>
public sealed partial class NftRunner(string table = "weft", Func<ProcessStartInfo, Process>? starter = null, string nftPath = "nft")
{
    private readonly Func<ProcessStartInfo, Process> _starter = starter ?? StartHere;

    /// <summary>The table this runner manages.</summary>
    public string Table { get; } = CheckTableName(table);

    /// <summary>Applies <paramref name="script"/> atomically. An empty script does nothing.</summary>
    /// <exception cref="ArgumentException">A line does not address <c>inet TABLE</c>.</exception>
    /// <exception cref="NftException">nft rejected the script; nothing was applied.</exception>
    public async Task ApplyAsync(string script, CancellationToken cancellationToken = default)
    {
        var lines = script.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && !TargetsTable(lines[i]))
            {
                throw new ArgumentException($"script line {i + 1} does not address table inet {Table}: '{lines[i]}'", nameof(script));
            }
        }

        if (string.IsNullOrWhiteSpace(script))
        {
            return;
        }

        var (exitCode, _, stderr) = await RunAsync(["-f", "-"], script, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            int? lineNumber = ErrorLine(stderr);
            string? line = lineNumber is int n && n <= lines.Length ? lines[n - 1] : null;
            throw new NftException(Table, "nft -f -", exitCode, stderr, lineNumber, line);
        }
    }

    /// <summary>Reads the table back (<c>nft -j list table inet TABLE</c>); null when it does not exist.</summary>
    public async Task<NftTableState?> ListTableAsync(CancellationToken cancellationToken = default)
    {
        var (exitCode, stdout, stderr) = await RunAsync(["-j", "list", "table", "inet", Table], null, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            if (stderr.Contains("No such file or directory", StringComparison.Ordinal))
            {
                return null;
            }

            throw new NftException(Table, "nft -j list table", exitCode, stderr, null, null);
        }

        return NftJson.Parse(Table, stdout);
    }

    /// <summary>Deletes the table and everything in it; no error when it is absent. Other tables are untouched.</summary>
    public Task DeleteTableAsync(CancellationToken cancellationToken = default) =>
        // Adding first makes the delete idempotent in one transaction ("destroy" needs nft 1.0.8).
        ApplyAsync($"add table inet {Table}\ndelete table inet {Table}\n", cancellationToken);

    internal static string CheckTableName(string name) =>
        TableName().IsMatch(name) && name.Length <= NftNames.MaxLength
            ? name
            : throw new ArgumentException($"nft table name '{name}' is invalid: use lowercase letters, digits, '_' and '-', starting with a letter", nameof(name));

    private bool TargetsTable(string line)
    {
        var match = OwnTableCommand().Match(line);
        return match.Success && match.Groups["table"].Value == Table;
    }

    private static int? ErrorLine(string stderr)
    {
        var match = StdinLocation().Match(stderr);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(nftPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = _starter(startInfo);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
    }

    private static Process StartHere(ProcessStartInfo startInfo) =>
        Process.Start(startInfo) ?? throw new InvalidOperationException($"starting '{startInfo.FileName}' returned no process");

    [GeneratedRegex(@"^(add|flush|delete) (table|chain|set|map|rule|element) inet (?<table>[a-z][a-z0-9_-]*)( |$)")]
    private static partial Regex OwnTableCommand();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*$")]
    private static partial Regex TableName();

    // nft reports positions as "/dev/stdin:LINE:COLUMNS: Error: ...".
    [GeneratedRegex(@"/dev/stdin:(\d+):")]
    private static partial Regex StdinLocation();
}
