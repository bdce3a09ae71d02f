using Weft.Model;

namespace Weft.Cli.Output;

/// <summary>
/// One table column for a kind: its header and how to compute a cell from a resource and the
/// current time (for AGE). Wide-only columns appear with -o wide.
/// </summary>
public sealed record Column(string Header, Func<Resource, DateTimeOffset, string> Value, bool WideOnly = false)
{
    public static Column Name { get; } = new("NAME", (r, _) => r.Metadata.Name);
    public static Column Age { get; } = new("AGE", Output.Age.Of);
}
