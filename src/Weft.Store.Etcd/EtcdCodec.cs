using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Mvccpb;
using Weft.Model;

namespace Weft.Store.Etcd;

/// <summary>Objects are stored as their JSON without metadata.resourceVersion, which is etcd's mod_revision.</summary>
internal static class EtcdCodec
{
    public static ByteString Encode(Resource obj)
    {
        var node = ResourceJson.ToNode(obj);
        (node["metadata"] as JsonObject)?.Remove("resourceVersion");
        return ByteString.CopyFromUtf8(node.ToJsonString());
    }

    public static Resource Decode(KeyValue kv, long? resourceVersion = null)
    {
        try
        {
            var obj = ResourceJson.Parse(kv.Value.Span);
            obj.Metadata.ResourceVersion = Revision(resourceVersion ?? kv.ModRevision);
            return obj;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw new StoreException($"etcd key '{EtcdKeys.Describe(kv.Key)}' at revision {kv.ModRevision} holds no valid object: {e.Message}", e);
        }
    }

    public static string Revision(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a resourceVersion or revision given by a caller; names it when it is not one of ours.</summary>
    public static long ParseRevision(string value, string what)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return revision;
        }
        throw new ArgumentException($"{what} '{value}' is not an etcd revision (a non-negative decimal number)");
    }
}
