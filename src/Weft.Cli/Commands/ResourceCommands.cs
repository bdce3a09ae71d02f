using Weft.Cli.Output;
using Weft.Lab;
using Weft.Model;
using Weft.Store;
using Weft.Store.Etcd;

namespace Weft.Cli.Commands;

/// <summary>apply / delete / get against a lab's store, with kubectl's manners.</summary>
internal static class ResourceCommands
{
    public static async Task<int> ApplyAsync(Args a, CancellationToken ct)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        var files = a.All("f", "filename");
        a.RejectUnknown();
        if (files.Count == 0)
        {
            throw new ArgumentException("usage: weft apply -f FILE|DIR");
        }
        var objects = files.SelectMany(ManifestReader.Read).ToList();
        // Everything is checked before anything is written: a bad file changes nothing.
        objects.ForEach(Validate);
        await using var store = Open(lab);
        await AdmitPoliciesAsync(store, objects, ct);
        foreach (var obj in objects)
        {
            if (obj.Kind == "Pod" && obj.Metadata.Namespace is { } ns
                && await store.GetAsync(new ResourceKey("", "Namespace", null, ns), ct) is null)
            {
                throw new InvalidOperationException($"Pod {ns}/{obj.Metadata.Name}: namespaces \"{ns}\" not found");
            }
            Console.WriteLine($"{Describe(obj)} {await ApplyOneAsync(store, obj, ct)}");
        }
        return 0;
    }

    /// <summary>Defaults as the API server fills them (namespace, automatic namespace label), then validation.</summary>
    private static void Validate(Resource obj)
    {
        if (!KindInfo.IsClusterScoped(new ResourceType(obj.Key.Group, obj.Kind)))
        {
            obj.Metadata.Namespace ??= "default";
        }
        if (obj.Kind == "Namespace")
        {
            obj.Metadata.Labels["kubernetes.io/metadata.name"] = obj.Metadata.Name;
        }
        Validation.Validate(obj);
    }

    /// <summary>
    /// Each dialect's own admission: an invalid policy of any dialect stops the apply before anything is written,
    /// with every error naming the object and field. What a valid policy asks that is not enforced yet (FQDN, L7)
    /// is printed as a warning, as the API server returns warnings to kubectl.
    /// </summary>
    private static async Task AdmitPoliciesAsync(IResourceStore store, List<Resource> objects, CancellationToken ct)
    {
        var policies = objects.Where(Weft.Policy.PolicyDialects.IsPolicy).ToList();
        if (policies.Count == 0)
        {
            return;
        }
        var known = new List<Resource>();
        foreach (var type in Weft.Policy.PolicyDialects.ContextTypes)
        {
            known.AddRange((await store.ListAsync(type, null, ct)).Items.Where(o => !objects.Any(n => n.Key == o.Key)));
        }
        var context = new Weft.Policy.PolicyContext(known.Concat(objects.Where(Weft.Policy.PolicyDialects.IsContext)));
        var errors = policies.SelectMany(p => Weft.Policy.PolicyDialects.Validate(p, context)).ToList();
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        foreach (var warning in policies.SelectMany(p => Weft.Policy.PolicyDialects.Compile(p, context).Warnings))
        {
            Console.Error.WriteLine($"Warning: {warning}");
        }
    }

    private static async Task<string> ApplyOneAsync(IResourceStore store, Resource obj, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var cur = await store.GetAsync(obj.Key, ct);
            try
            {
                if (cur is null)
                {
                    await store.CreateAsync(obj, ct);
                    return "created";
                }
                if (ResourceJson.Serialize(WithoutStatus(cur)) == ResourceJson.Serialize(WithoutStatus(Merge(cur, obj))))
                {
                    return "unchanged";
                }
                await store.UpdateAsync(Merge(cur, obj), ct);
                return "configured";
            }
            catch (StoreException e) when (e is ConflictException or AlreadyExistsException && attempt < 5)
            {
            }
        }
    }

    /// <summary>The new desired state over the stored object: status, identity and spec.nodeName (a binding) are kept.</summary>
    private static Resource Merge(Resource cur, Resource desired)
    {
        var m = desired.Clone();
        m.Metadata.ResourceVersion = cur.Metadata.ResourceVersion;
        m.Metadata.Uid = cur.Metadata.Uid;
        m.Metadata.CreationTimestamp = cur.Metadata.CreationTimestamp;
        m.Metadata.Generation = cur.Metadata.Generation;
        if (cur.Status is not null)
        {
            m.Status = (System.Text.Json.Nodes.JsonObject)cur.Status.DeepClone();
        }
        if (cur.Kind == "Pod" && cur.Spec?["nodeName"] is { } node && m.Spec?["nodeName"] is null && m.Spec is not null)
        {
            m.Spec["nodeName"] = node.DeepClone();
        }
        return m;
    }

    private static Resource WithoutStatus(Resource r)
    {
        var c = r.Clone();
        c.Body.Remove("status");
        c.Metadata.ResourceVersion = null;
        return c;
    }

    public static async Task<int> DeleteAsync(Args a, CancellationToken ct)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        var files = a.All("f", "filename");
        var ns = a.Get("n", "namespace") ?? "default";
        var wait = a.Get("wait") != "false";
        a.RejectUnknown();
        var keys = new List<ResourceKey>();
        if (files.Count > 0)
        {
            foreach (var obj in files.SelectMany(ManifestReader.Read))
            {
                Validate(obj);
                keys.Add(obj.Key);
            }
        }
        else if (a.Positional.Count >= 2)
        {
            var type = KindOf(a.Positional[0]);
            keys.AddRange(a.Positional.Skip(1).Select(n =>
                new ResourceKey(type.Group, type.Kind, KindInfo.IsClusterScoped(type) ? null : ns, n)));
        }
        else
        {
            throw new ArgumentException("usage: weft delete -f FILE | weft delete pod NAME [-n NS]");
        }
        await using var store = Open(lab);
        foreach (var key in keys)
        {
            Console.WriteLine(await DeleteOneAsync(store, key, wait, ct));
        }
        return 0;
    }

    /// <summary>
    /// Pods are deleted gracefully, as the API server does: marked with a deletionTimestamp, torn down by the
    /// kubelet (CNI DEL), then removed. With --wait (the default) this returns once the pod is gone.
    /// </summary>
    private static async Task<string> DeleteOneAsync(IResourceStore store, ResourceKey key, bool wait, CancellationToken ct)
    {
        var name = $"{key.Kind.ToLowerInvariant()} \"{key.Name}\"";
        var cur = await store.GetAsync(key, ct);
        if (cur is null)
        {
            return $"Error from server (NotFound): {key.Kind.ToLowerInvariant()}s \"{key.Name}\" not found";
        }
        if (key.Kind != "Pod" || cur.Spec?["nodeName"] is null)
        {
            await store.DeleteAsync(key, null, ct);
            return $"{name} deleted";
        }
        if (cur.Metadata.DeletionTimestamp is null)
        {
            cur.Metadata.DeletionTimestamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
            try
            {
                await store.UpdateAsync(cur, ct);
            }
            catch (ConflictException)
            {
                return await DeleteOneAsync(store, key, wait, ct);
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (wait && await store.GetAsync(key, ct) is not null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} was not torn down within 60 s; is the lab's supervisor running? (weft lab status)");
            }
            await Task.Delay(50, ct);
        }
        return $"{name} deleted";
    }

    public static async Task<int> GetAsync(Args a, CancellationToken ct)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        var all = a.Has("A", "all-namespaces");
        var ns = all ? null : a.Get("n", "namespace") ?? "default";
        var format = (a.Get("o", "output") ?? "") switch
        {
            "" => OutputFormat.Table,
            "wide" => OutputFormat.Wide,
            "json" => OutputFormat.Json,
            "yaml" => OutputFormat.Yaml,
            var o => throw new ArgumentException($"-o: unknown output format '{o}'; use wide, json or yaml"),
        };
        a.RejectUnknown();
        var type = KindOf(a.Positional.ElementAtOrDefault(0) ?? throw new ArgumentException("usage: weft get pods|nodes|namespaces"));
        await using var store = Open(lab);
        var list = await store.ListAsync(type, KindInfo.IsClusterScoped(type) ? null : ns, ct);
        var items = list.Items.Where(i => a.Positional.Count < 2 || a.Positional.Skip(1).Contains(i.Metadata.Name)).ToList();
        if (items.Count == 0 && format is OutputFormat.Table or OutputFormat.Wide)
        {
            Console.Error.WriteLine(ns is null || KindInfo.IsClusterScoped(type) ? "No resources found" : $"No resources found in {ns} namespace.");
            return 0;
        }
        ResourcePrinter.Print(Console.Out, items, type.Kind, format, all, TimeProvider.System);
        return 0;
    }

    internal static ResourceType KindOf(string word) => word.ToLowerInvariant() switch
    {
        "pod" or "pods" or "po" => ResourceType.Pod,
        "node" or "nodes" or "no" => ResourceType.Node,
        "namespace" or "namespaces" or "ns" => ResourceType.Namespace,
        "serviceaccount" or "serviceaccounts" or "sa" => ResourceType.ServiceAccount,
        "ipblock" or "ipblocks" => ResourceType.IPBlock,
        "clusternetwork" or "clusternetworks" => ResourceType.ClusterNetwork,
        _ => throw new ArgumentException($"the server doesn't have a resource type \"{word}\""),
    };

    internal static EtcdStore Open(string lab) => EtcdStore.Connect(new LabPaths(lab).StoreEndpoint);

    private static string Describe(Resource r) => $"{r.Kind.ToLowerInvariant()}/{r.Metadata.Name}";
}
