using System.Diagnostics;
using System.Text.Json.Nodes;
using Weft.Linux.Netns;

namespace Weft.Lab;

/// <summary>A plugin answered with a CNI error.</summary>
public sealed class CniInvocationException(int code, string msg, string? details)
    : Exception($"CNI error {code}: {msg}" + (string.IsNullOrEmpty(details) ? "" : $" ({details})"))
{
    public int Code { get; } = code;
}

/// <summary>
/// Runs CNI plugins the way a container runtime does (libcni's rules): the first conflist of the
/// directory in lexical order; for each plugin object, cniVersion and name injected, CNI_* in the
/// environment, the plugin binary found in CNI_PATH, started in the node's network namespace; ADD in
/// list order passing prevResult along, DEL in reverse order with the ADD result as prevResult.
/// </summary>
public sealed class CniInvoker(NetNamespace nodeNs, string confDir, string cniPath)
{
    /// <summary>One container interface; <paramref name="RuntimeConfig"/> holds capability values (e.g. <c>bandwidth</c>) offered to plugins.</summary>
    public sealed record Attachment(string ContainerId, string NetnsPath, string IfName, string Args, JsonObject? RuntimeConfig = null);

    public string Add(Attachment a)
    {
        var (list, plugins) = LoadConflist();
        JsonNode? prev = null;
        foreach (var p in plugins)
        {
            var result = Exec("ADD", a, PluginConfig(list, p, prev, a.RuntimeConfig));
            prev = JsonNode.Parse(result);
        }
        return prev?.ToJsonString() ?? throw new CniInvocationException(999, "conflist has no plugins", confDir);
    }

    public void Del(Attachment a, string? prevResult)
    {
        var (list, plugins) = LoadConflist();
        var prev = prevResult is null ? null : JsonNode.Parse(prevResult);
        foreach (var p in plugins.AsEnumerable().Reverse())
        {
            Exec("DEL", a, PluginConfig(list, p, prev));
        }
    }

    public void Check(Attachment a, string prevResult)
    {
        var (list, plugins) = LoadConflist();
        foreach (var p in plugins)
        {
            Exec("CHECK", a, PluginConfig(list, p, JsonNode.Parse(prevResult)));
        }
    }

    private (JsonObject List, List<JsonObject> Plugins) LoadConflist()
    {
        var file = Directory.Exists(confDir)
            ? Directory.GetFiles(confDir).Where(f => f.EndsWith(".conflist", StringComparison.Ordinal)
                && !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (file is null)
        {
            throw new CniInvocationException(11, "network plugin not ready: no conflist", confDir);
        }
        var list = JsonNode.Parse(File.ReadAllText(file)) as JsonObject
            ?? throw new CniInvocationException(7, "conflist is not a JSON object", file);
        var plugins = (list["plugins"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return (list, plugins);
    }

    private static string PluginConfig(JsonObject list, JsonObject plugin, JsonNode? prevResult, JsonObject? runtimeConfig = null)
    {
        var conf = (JsonObject)plugin.DeepClone();
        // As libcni: a plugin gets the capability values it declares in "capabilities", under runtimeConfig.
        var offered = new JsonObject();
        foreach (var (name, value) in runtimeConfig ?? [])
        {
            if (plugin["capabilities"]?[name]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
            {
                offered[name] = value?.DeepClone();
            }
        }
        if (offered.Count > 0)
        {
            conf["runtimeConfig"] = offered;
        }
        conf["cniVersion"] = list["cniVersion"]?.DeepClone();
        conf["name"] = list["name"]?.DeepClone();
        if (prevResult is not null)
        {
            conf["prevResult"] = prevResult.DeepClone();
        }
        return conf.ToJsonString();
    }

    private string Exec(string command, Attachment a, string stdin)
    {
        var type = JsonNode.Parse(stdin)?["type"]?.GetValue<string>() ?? "";
        var binary = cniPath.Split(':').Select(d => Path.Combine(d, type)).FirstOrDefault(File.Exists)
            ?? throw new CniInvocationException(999, $"failed to find plugin \"{type}\" in path [{cniPath}]", null);
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = a.ContainerId;
        psi.Environment["CNI_NETNS"] = a.NetnsPath;
        psi.Environment["CNI_IFNAME"] = a.IfName;
        psi.Environment["CNI_ARGS"] = a.Args;
        psi.Environment["CNI_PATH"] = cniPath;
        using var proc = nodeNs.StartProcess(psi);
        proc.StandardInput.Write(stdin);
        proc.StandardInput.Close();
        var stderr = proc.StandardError.ReadToEndAsync();
        var stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode == 0)
        {
            return stdout;
        }
        var err = JsonNode.Parse(stdout.Length > 0 ? stdout : "{}") as JsonObject;
        throw new CniInvocationException(
            (int?)err?["code"] ?? 999,
            err?["msg"]?.GetValue<string>() ?? $"plugin {type} exited {proc.ExitCode}",
            err?["details"]?.GetValue<string>() ?? stderr.Result.Trim());
    }
}
