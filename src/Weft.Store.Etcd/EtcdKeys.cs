using System.Text;
using Google.Protobuf;
using Weft.Model;

namespace Weft.Store.Etcd;

/// <summary>
/// Key layout, as the Kubernetes registry lays it out: {prefix}/{group or "core"}/{Kind}/{namespace or "_cluster"}/{name}.
/// Every prefix ends in '/', so that Kind "Pod" never matches "PodX" and namespace "a" never matches "ab".
/// </summary>
internal sealed class EtcdKeys(string prefix)
{
    private const string ClusterScope = "_cluster";

    private readonly string _prefix = prefix.TrimEnd('/');

    public ByteString Object(ResourceKey key)
    {
        Check(key.Name, "name", key);
        if (key.Namespace is not null)
        {
            Check(key.Namespace, "namespace", key);
        }
        return ByteString.CopyFromUtf8(TypePrefix(key.Group, key.Kind) + (key.Namespace ?? ClusterScope) + "/" + key.Name);
    }

    /// <summary>The prefix of all objects of a type, or of one namespace when <paramref name="ns"/> is given.</summary>
    public ByteString Range(ResourceType type, string? ns) =>
        ByteString.CopyFromUtf8(TypePrefix(type.Group, type.Kind) + (string.IsNullOrEmpty(ns) ? "" : ns + "/"));

    /// <summary>The etcd range_end that makes a range request cover every key starting with <paramref name="prefix"/>.</summary>
    public static ByteString RangeEnd(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return ByteString.CopyFrom(end, 0, i + 1);
            }
        }
        // All 0xff: etcd reads "\0" as "to the end of the keyspace".
        return ByteString.CopyFrom(0);
    }

    public static string Describe(ByteString key) => Encoding.UTF8.GetString(key.Span);

    private string TypePrefix(string group, string kind) =>
        $"{_prefix}/{(group.Length == 0 ? "core" : group)}/{kind}/";

    private static void Check(string segment, string field, ResourceKey key)
    {
        if (segment.Length == 0 || segment.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{key}: metadata.{field} '{segment}' must be non-empty and contain no '/'");
        }
    }
}
