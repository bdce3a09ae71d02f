using System.Globalization;
using System.Text.RegularExpressions;
using Weft.Linux.Interop;

namespace Weft.Linux.Nftables;

/// <summary>
/// Applies nft scripts to Weft's one table through libnftables, in process: every script is one atomic
/// transaction, as with <c>nft -f</c>; a script line that targets any other table is refused before it runs.
/// </summary>
/// <remarks>
/// The network namespace is the one the <see cref="NftablesContext"/> was opened in: without
/// <paramref name="context"/>, the runner opens its own in the calling thread's namespace (create it inside
/// <c>ns.Run(...)</c> to work on another) and disposes it. Methods are safe to call from any thread.
/// </remarks>
/// <param name="table">The table name (family inet).</param>
/// <param name="context">A context to use and not dispose; null to open one here.</param>
public sealed partial class NftRunner(string table = "weft", NftablesContext? context = null) : IDisposable
{
    private readonly NftablesContext _context = context ?? NftablesContext.Open();
    private readonly bool _ownsContext = context is null;

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

        cancellationToken.ThrowIfCancellationRequested();
        var outcome = await Task.Run(() => _context.RunScript(script), CancellationToken.None).ConfigureAwait(false);
        if (outcome.Status != 0)
        {
            int? lineNumber = ErrorLine(outcome.Error);
            string? line = lineNumber is int n && n <= lines.Length ? lines[n - 1] : null;
            throw new NftException(Table, "nft -f -", outcome.Status, outcome.Error, lineNumber, line);
        }
    }

    /// <summary>Reads the table back (<c>nft -j list table inet TABLE</c>); null when it does not exist.</summary>
    public async Task<NftTableState?> ListTableAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = await Task.Run(() => _context.Run($"list table inet {Table}", json: true), CancellationToken.None).ConfigureAwait(false);
        if (outcome.Status != 0)
        {
            if (outcome.Error.Contains("No such file or directory", StringComparison.Ordinal))
            {
                return null;
            }

            throw new NftException(Table, "nft -j list table", outcome.Status, outcome.Error, null, null);
        }

        return NftJson.Parse(Table, outcome.Output);
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
        var match = ErrorLocation().Match(stderr);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    public void Dispose()
    {
        if (_ownsContext)
        {
            _context.Dispose();
        }
    }

    [GeneratedRegex(@"^(add|flush|delete) (table|chain|set|map|rule|element) inet (?<table>[a-z][a-z0-9_-]*)( |$)")]
    private static partial Regex OwnTableCommand();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*$")]
    private static partial Regex TableName();

    // Positions come as "script:LINE:COLUMNS: Error: ..." (NftablesContext.ScriptName).
    [GeneratedRegex(@"^script:(\d+):", RegexOptions.Multiline)]
    private static partial Regex ErrorLocation();
}
