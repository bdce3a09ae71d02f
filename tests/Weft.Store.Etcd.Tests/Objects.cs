using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Store.Etcd.Tests;

internal static class Objects
{
    public static Resource Pod(string ns, string name, int n = 0) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Body = new JsonObject { ["spec"] = new JsonObject { ["n"] = n } },
    };

    public static Resource Block(string name, string cidr) => new()
    {
        ApiVersion = KindInfo.WeftApiVersion,
        Kind = "IPBlock",
        Metadata = new ObjectMeta { Name = name },
        Body = new JsonObject { ["spec"] = new JsonObject { ["cidr"] = cidr } },
    };

    public static int N(this Resource pod) => pod.Spec!["n"]!.GetValue<int>();

    public static Resource WithN(this Resource pod, int n)
    {
        var copy = pod.Clone();
        copy.Spec!["n"] = n;
        return copy;
    }
}
