using System.Collections.Concurrent;

namespace Weft.Cli.Output;

/// <summary>
/// Table columns per kind. Kinds without registered columns print NAME and AGE, as kubectl does
/// for custom resources without printer columns. Kind names match case-insensitively.
/// </summary>
public sealed class ColumnRegistry
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<Column>> _byKind = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The registry <see cref="ResourcePrinter"/> uses by default: Pod, Node and Namespace columns.</summary>
    public static ColumnRegistry Default { get; } = WithBuiltIns();

    public static IReadOnlyList<Column> Fallback { get; } = [Column.Name, Column.Age];

    /// <summary>A new registry holding the built-in kinds, for callers that want their own set.</summary>
    public static ColumnRegistry WithBuiltIns()
    {
        var registry = new ColumnRegistry();
        registry.Register("Pod", BuiltInColumns.Pod);
        registry.Register("Node", BuiltInColumns.Node);
        registry.Register("Namespace", BuiltInColumns.Namespace);
        return registry;
    }

    /// <summary>Sets (or replaces) the columns of a kind; NAMESPACE is added by the printer, not here.</summary>
    public void Register(string kind, IReadOnlyList<Column> columns)
    {
        if (columns.Count == 0)
        {
            throw new ArgumentException($"kind {kind}: at least one column is needed", nameof(columns));
        }
        _byKind[kind] = [.. columns];
    }

    public IReadOnlyList<Column> For(string kind) => _byKind.TryGetValue(kind, out var columns) ? columns : Fallback;
}
