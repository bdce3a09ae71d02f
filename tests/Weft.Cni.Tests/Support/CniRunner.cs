using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Cni.Tests.Support;

internal sealed record CniRun(int ExitCode, string Stdout, string Stderr)
{
    public JsonObject Json => JsonNode.Parse(Stdout)!.AsObject();

    public int ErrorCode => Json["code"]!.GetValue<int>();

    public string ErrorMsg => Json["msg"]!.GetValue<string>();
}

/// <summary>Runs the plugin the way a runtime does: a clean environment with CNI_* set, config on stdin.</summary>
internal static class CniRunner
{
    public static CniRun Run(string binary, Dictionary<string, string> env, string stdin)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment.Clear();
        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin may answer (e.g. an unknown command) and exit before reading stdin: a closed pipe, as with a runtime.
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            Assert.Fail($"weft-cni did not exit within 30 s (env {JsonSerializer.Serialize(env)})");
        }

        return new CniRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Env for a container verb as containerd's CRI sets it.</summary>
    public static Dictionary<string, string> ContainerEnv(string command, string containerId, string? netns = "/var/run/netns/cni-0b1c", string ifName = "eth0") => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = containerId,
        ["CNI_NETNS"] = netns ?? "",
        ["CNI_IFNAME"] = ifName,
        ["CNI_ARGS"] = $"K8S_POD_INFRA_CONTAINER_ID={containerId};K8S_POD_UID=uid-1234;IgnoreUnknown=1;K8S_POD_NAMESPACE=demo;K8S_POD_NAME=web",
        ["CNI_PATH"] = "/opt/cni/bin",
    };

    public static Dictionary<string, string> NodeEnv(string command) => new() { ["CNI_COMMAND"] = command, ["CNI_PATH"] = "/opt/cni/bin" };

    /// <summary>A plugin config pointing at the given agent socket and DEL queue.</summary>
    public static string Config(string cniVersion, string socket, string queueDir, string extra = "") =>
        $$"""{"cniVersion":"{{cniVersion}}","name":"weft","type":"weft-cni","agentSocket":"{{socket}}","delQueueDir":"{{queueDir}}","capabilities":{"portMappings":true}{{extra}}}""";
}
