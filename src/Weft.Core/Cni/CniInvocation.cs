using System.Diagnostics.CodeAnalysis;

namespace Weft.Core.Cni;

/// <summary>
/// The CNI parameters a runtime passes in the environment (<c>CNI_COMMAND</c>, <c>CNI_CONTAINERID</c>,
/// <c>CNI_NETNS</c>, <c>CNI_IFNAME</c>, <c>CNI_ARGS</c>, <c>CNI_PATH</c>). Empty variables are stored as null.
/// </summary>
public sealed record CniInvocation(CniCommand Command, string? ContainerId, string? Netns, string? IfName, string? Args, string? Path)
{
    /// <summary>
    /// Reads the CNI variables through <paramref name="getEnv"/> and checks that every variable the
    /// command requires is present (libcni's table; CNI_NETNS may be empty on DEL). Formats are checked
    /// later by <see cref="Validate"/>, after the config, in libcni's order.
    /// </summary>
    /// <returns>False with a code 4 error naming the variable(s) when one is missing or CNI_COMMAND is unknown.</returns>
    public static bool TryRead(Func<string, string?> getEnv, [NotNullWhen(true)] out CniInvocation? invocation, [NotNullWhen(false)] out CniError? error)
    {
        invocation = null;
        var commandText = Get(getEnv, "CNI_COMMAND");
        if (commandText is null)
        {
            error = Missing(["CNI_COMMAND"]);
            return false;
        }

        if (!CniCommands.TryParse(commandText, out var command))
        {
            error = new CniError(CniErrorCodes.InvalidEnvironmentVariables, $"unknown CNI_COMMAND: {commandText}",
                "CNI_COMMAND must be one of ADD, DEL, CHECK, STATUS, GC, VERSION");
            return false;
        }

        var candidate = new CniInvocation(command, Get(getEnv, "CNI_CONTAINERID"), Get(getEnv, "CNI_NETNS"),
            Get(getEnv, "CNI_IFNAME"), Get(getEnv, "CNI_ARGS"), Get(getEnv, "CNI_PATH"));
        var missing = candidate.MissingVariables();
        if (missing.Count > 0)
        {
            error = Missing(missing);
            return false;
        }

        invocation = candidate;
        error = null;
        return true;
    }

    /// <summary>
    /// Checks the invocation against a parsed config in libcni's order: version compatibility for the
    /// command (1 or 6), network name (7), container ID (4), interface name (4), CNI_ARGS syntax (4).
    /// </summary>
    /// <returns>Null when the request may be served.</returns>
    public CniError? Validate(NetConf config)
    {
        var error = CniVersions.CheckCompatible(config.CniVersion, Command) ?? CniValidation.ValidateNetworkName(config.Name);
        if (error is not null || !HasContainer)
        {
            return error;
        }

        error = CniValidation.ValidateContainerId(ContainerId) ?? CniValidation.ValidateIfName(IfName);
        if (error is null && !CniArgs.TryParse(Args, out _, out var argsError))
        {
            error = argsError;
        }

        return error;
    }

    /// <summary>True for verbs that act on one attachment (ADD, DEL, CHECK).</summary>
    public bool HasContainer => Command is CniCommand.Add or CniCommand.Del or CniCommand.Check;

    private List<string> MissingVariables()
    {
        var missing = new List<string>();
        if (HasContainer)
        {
            if (ContainerId is null)
            {
                missing.Add("CNI_CONTAINERID");
            }

            if (Netns is null && Command != CniCommand.Del)
            {
                missing.Add("CNI_NETNS");
            }

            if (IfName is null)
            {
                missing.Add("CNI_IFNAME");
            }
        }

        if (Command == CniCommand.Gc && Path is null)
        {
            missing.Add("CNI_PATH");
        }

        return missing;
    }

    private static string? Get(Func<string, string?> getEnv, string name)
    {
        var value = getEnv(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static CniError Missing(IReadOnlyList<string> names) =>
        new(CniErrorCodes.InvalidEnvironmentVariables, $"required env variables [{string.Join(' ', names)}] missing");
}
