namespace Weft.Core.Cni;

/// <summary>The CNI verbs, as passed in <c>CNI_COMMAND</c>.</summary>
public enum CniCommand
{
    /// <summary>Attach a container to the network.</summary>
    Add,

    /// <summary>Detach a container; must succeed when things are already gone.</summary>
    Del,

    /// <summary>Verify an earlier ADD is still in place (spec 0.4.0+).</summary>
    Check,

    /// <summary>Report whether the plugin can serve ADD (spec 1.1.0+).</summary>
    Status,

    /// <summary>Remove state of attachments not in the valid list (spec 1.1.0+).</summary>
    Gc,

    /// <summary>Report the supported spec versions.</summary>
    Version,
}

/// <summary>Conversions between <see cref="CniCommand"/> and its wire spelling.</summary>
public static class CniCommands
{
    /// <summary>Parses an exact, upper-case <c>CNI_COMMAND</c> value such as <c>"ADD"</c>.</summary>
    public static bool TryParse(string? value, out CniCommand command)
    {
        // libcni matches case-sensitively; "add" is an unknown command there too.
        switch (value)
        {
            case "ADD": command = CniCommand.Add; return true;
            case "DEL": command = CniCommand.Del; return true;
            case "CHECK": command = CniCommand.Check; return true;
            case "STATUS": command = CniCommand.Status; return true;
            case "GC": command = CniCommand.Gc; return true;
            case "VERSION": command = CniCommand.Version; return true;
            default: command = default; return false;
        }
    }

    /// <summary>The <c>CNI_COMMAND</c> spelling of <paramref name="command"/>, e.g. <c>"ADD"</c>.</summary>
    public static string ToWire(this CniCommand command) => command switch
    {
        CniCommand.Add => "ADD",
        CniCommand.Del => "DEL",
        CniCommand.Check => "CHECK",
        CniCommand.Status => "STATUS",
        CniCommand.Gc => "GC",
        CniCommand.Version => "VERSION",
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not a CNI command"),
    };
}
