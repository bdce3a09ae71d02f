using Weft.Model;

namespace Weft.Cli.Output;

/// <summary>Prints resources as kubectl get does: a table (plain or wide), JSON or YAML.</summary>
public static class ResourcePrinter
{
    /// <summary>
    /// Prints with the <see cref="ColumnRegistry.Default"/> columns. Resources are printed in the given
    /// order. An empty list prints nothing for table formats (kubectl's "No resources found" goes to
    /// stderr; that is the caller's); JSON and YAML print one object when there is exactly one
    /// resource, else a List.
    /// </summary>
    /// <param name="kind">Kind whose columns to use, e.g. "Pod".</param>
    /// <param name="allNamespaces">-A: adds a NAMESPACE column first, for namespaced kinds.</param>
    /// <param name="time">Clock for the AGE column.</param>
    public static void Print(TextWriter writer, IReadOnlyList<Resource> resources, string kind, OutputFormat format,
        bool allNamespaces, TimeProvider time) =>
        Print(writer, resources, kind, format, allNamespaces, time, ColumnRegistry.Default);

    /// <summary>As the other overload, with the columns of the given registry.</summary>
    public static void Print(TextWriter writer, IReadOnlyList<Resource> resources, string kind, OutputFormat format,
        bool allNamespaces, TimeProvider time, ColumnRegistry registry)
    {
        switch (format)
        {
            case OutputFormat.Json:
                writer.Write(ManifestWriter.ToJson(resources));
                return;
            case OutputFormat.Yaml:
                writer.Write(ManifestWriter.ToYaml(resources));
                return;
        }
        if (resources.Count == 0)
        {
            return;
        }
        var columns = registry.For(kind).Where(c => format == OutputFormat.Wide || !c.WideOnly).ToList();
        if (allNamespaces && !KindInfo.IsClusterScoped(new ResourceType("", kind)))
        {
            columns.Insert(0, new Column("NAMESPACE", (r, _) => r.Metadata.Namespace ?? ""));
        }
        var now = time.GetUtcNow();
        var table = new TablePrinter(columns.Select(c => c.Header));
        foreach (var resource in resources)
        {
            table.AddRow(columns.Select(c => c.Value(resource, now)).ToList());
        }
        table.Write(writer);
    }
}
