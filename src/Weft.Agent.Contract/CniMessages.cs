using Weft.Core.Cni;

namespace Weft.Agent.Contract;

/// <summary>One CNI invocation forwarded by <c>weft-cni</c> to the node agent.</summary>
public sealed class CniRequest
{
    /// <summary><c>CNI_COMMAND</c>: ADD, DEL, CHECK, STATUS or GC (VERSION is answered locally).</summary>
    public required string Command { get; init; }

    /// <summary><c>CNI_CONTAINERID</c>; null for STATUS and GC.</summary>
    public string? ContainerId { get; init; }

    /// <summary><c>CNI_NETNS</c>; null on STATUS, GC, and on DEL after the netns is gone.</summary>
    public string? Netns { get; init; }

    /// <summary><c>CNI_IFNAME</c>; null for STATUS and GC.</summary>
    public string? IfName { get; init; }

    /// <summary>Raw <c>CNI_ARGS</c> (parse with <see cref="CniArgs.TryParse"/>).</summary>
    public string? Args { get; init; }

    /// <summary><c>CNI_PATH</c>.</summary>
    public string? Path { get; init; }

    /// <summary>The exact stdin config (parse with <see cref="NetConf.TryParse(string, out NetConf?, out CniError?)"/>).</summary>
    public required string ConfigJson { get; init; }

    /// <summary>Builds a request from validated environment parameters and the stdin text.</summary>
    public static CniRequest From(CniInvocation invocation, string configJson) => new()
    {
        Command = invocation.Command.ToWire(),
        ContainerId = invocation.ContainerId,
        Netns = invocation.Netns,
        IfName = invocation.IfName,
        Args = invocation.Args,
        Path = invocation.Path,
        ConfigJson = configJson,
    };
}

/// <summary>The agent's answer to a <see cref="CniRequest"/>.</summary>
public sealed class CniResponse
{
    /// <summary>True on success.</summary>
    public bool Ok { get; init; }

    /// <summary>ADD only: the result in canonical 1.1.0 JSON (<see cref="CniResult.ToJson"/> with "1.1.0"); null otherwise.</summary>
    public string? ResultJson { get; init; }

    /// <summary>CNI error code when <see cref="Ok"/> is false (see <see cref="CniError"/> constants).</summary>
    public int ErrorCode { get; init; }

    /// <summary>Error message when <see cref="Ok"/> is false.</summary>
    public string? ErrorMsg { get; init; }

    /// <summary>Optional error details.</summary>
    public string? ErrorDetails { get; init; }

    /// <summary>A success; pass <paramref name="resultJson"/> for ADD.</summary>
    public static CniResponse Success(string? resultJson = null) => new() { Ok = true, ResultJson = resultJson };

    /// <summary>A failure carrying <paramref name="error"/>.</summary>
    public static CniResponse Failure(CniError error) =>
        new() { Ok = false, ErrorCode = error.Code, ErrorMsg = error.Msg, ErrorDetails = error.Details };

    /// <summary>The error of a failed response (code 0 becomes 999), or null on success.</summary>
    public CniError? ToError() => Ok
        ? null
        : new CniError(ErrorCode == 0 ? CniErrorCodes.Internal : ErrorCode, string.IsNullOrEmpty(ErrorMsg) ? "weft-agent failed without a message" : ErrorMsg, ErrorDetails);
}
