namespace Weft.Linux.Nftables;

/// <summary>
/// nft refused a script. Nothing of it was applied: nft sends the whole script as one netlink
/// batch, which the kernel commits entirely or not at all.
/// </summary>
public sealed class NftException : Exception
{
    /// <summary>Creates the exception for a failed nft invocation.</summary>
    public NftException(string table, string command, int exitCode, string standardError, int? lineNumber, string? line)
        : base(Format(table, command, exitCode, standardError, lineNumber, line))
    {
        Table = table;
        ExitCode = exitCode;
        StandardError = standardError;
        LineNumber = lineNumber;
        Line = line;
    }

    /// <summary>The table the command was about.</summary>
    public string Table { get; }

    /// <summary>nft's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>nft's complete error output.</summary>
    public string StandardError { get; }

    /// <summary>The 1-based script line of the first error nft reported, when it named one.</summary>
    public int? LineNumber { get; }

    /// <summary>The text of that script line.</summary>
    public string? Line { get; }

    private static string Format(string table, string command, int exitCode, string standardError, int? lineNumber, string? line)
    {
        string firstError = standardError.Split('\n').FirstOrDefault(l => l.Contains("Error:", StringComparison.Ordinal))?.Trim() ?? standardError.Trim();
        string where = lineNumber is null ? "" : $" at line {lineNumber} '{line}'";
        return $"{command} on table inet {table} failed (exit {exitCode}){where}: {firstError}";
    }
}
