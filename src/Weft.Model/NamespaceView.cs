using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>Read-only typed view over a Namespace resource.</summary>
public sealed class NamespaceView
{
    /// <summary>Label the API server puts on every namespace, with the namespace name as value.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    /// <exception cref="ArgumentException">The resource is not a Namespace.</exception>
    public NamespaceView(Resource ns)
    {
        if (ns.Kind != "Namespace")
        {
            throw new ArgumentException($"{ns}: expected kind Namespace, got {ns.Kind}", nameof(ns));
        }
        Resource = ns;
    }

    public Resource Resource { get; }
    public string Name => Resource.Metadata.Name;
    public IReadOnlyDictionary<string, string> Annotations => Resource.Metadata.Annotations;

    /// <summary>
    /// The labels, always including kubernetes.io/metadata.name = name, even on an object that was
    /// never stored, because namespace selectors in policies rely on it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels
    {
        get
        {
            var labels = new Dictionary<string, string>(Resource.Metadata.Labels, StringComparer.Ordinal)
            {
                [NameLabel] = Name,
            };
            return labels;
        }
    }

    /// <summary>status.phase: "Active" unless set otherwise, "Terminating" once deletion started.</summary>
    public string Phase => JsonRead.String(Resource.Status?["phase"])
        ?? (Resource.Metadata.DeletionTimestamp is null ? "Active" : "Terminating");

    /// <summary>A Namespace with the automatic name label set.</summary>
    public static Resource Build(string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var ns = new Resource { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = name } };
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
        {
            ns.Metadata.Labels[k] = v;
        }
        ApplyDefaults(ns);
        return ns;
    }

    /// <summary>
    /// What the API server does on create and update: sets the name label (overwriting any other
    /// value) and status.phase Active when absent. Call it before storing a Namespace.
    /// </summary>
    public static void ApplyDefaults(Resource ns)
    {
        ns.Metadata.Labels[NameLabel] = ns.Metadata.Name;
        var status = ns.Status ??= new JsonObject();
        status["phase"] ??= "Active";
    }
}
