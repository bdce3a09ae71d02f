using System.Text;
using System.Text.Json;
using Weft.Agent.Contract;
using Weft.Core.Cni;

namespace Weft.Cni;

/// <summary>
/// One CNI invocation: env + stdin → validation → node agent → stdout. Replies and errors go to stdout
/// (what libcni reads); stderr only carries log lines.
/// </summary>
internal static class CniPlugin
{
    public static int Run(Func<string, string?> getEnv, Stream stdin, Stream stdout, Stream stderr)
    {
        var io = new CniOutput(stdout, stderr);
        if (!CniInvocation.TryRead(getEnv, out var invocation, out var error))
        {
            return io.Fail(error, null);
        }

        byte[] input;
        try
        {
            using var buffer = new MemoryStream();
            stdin.CopyTo(buffer);
            input = buffer.ToArray();
        }
        catch (IOException ex)
        {
            return io.Fail(new CniError(CniErrorCodes.IoFailure, $"error reading stdin: {ex.Message}"), null);
        }

        if (invocation.Command == CniCommand.Version)
        {
            io.Reply(CniVersions.VersionInfoJson(AskedVersion(input)));
            return 0;
        }

        if (!NetConf.TryParse(input, out var config, out error))
        {
            return io.Fail(error, null);
        }

        // Errors are reported in the config's version when it is one we speak.
        var replyVersion = CniVersions.IsSupported(config.CniVersion) ? config.CniVersion : CniVersions.Latest;
        error = invocation.Validate(config);
        if (error is not null)
        {
            return io.Fail(error, replyVersion);
        }

        var request = CniRequest.From(invocation, Encoding.UTF8.GetString(input));
        CniResponse response;
        try
        {
            response = AgentClient.Call(config.AgentSocket, request, AgentTimeouts.For(invocation.Command));
        }
        catch (AgentUnavailableException ex)
        {
            return invocation.Command == CniCommand.Del
                ? QueueDel(io, config, request, ex, replyVersion)
                : io.Fail(Unavailable(invocation.Command, ex), replyVersion);
        }
        catch (InvalidDataException ex)
        {
            return io.Fail(new CniError(CniErrorCodes.Internal, "weft-agent sent an invalid response", ex.Message), replyVersion);
        }

        error = response.ToError();
        if (error is not null)
        {
            return io.Fail(error, replyVersion);
        }

        if (invocation.Command != CniCommand.Add)
        {
            return 0; // DEL, CHECK, STATUS and GC succeed silently.
        }

        if (response.ResultJson is null)
        {
            return io.Fail(new CniError(CniErrorCodes.Internal, "weft-agent answered ADD without a result"), replyVersion);
        }

        // A bad result is our own bug, not bad input from the runtime, so it is not reported as code 6.
        if (!CniResult.TryParse(response.ResultJson, out var result, out error, "agent result"))
        {
            return io.Fail(new CniError(CniErrorCodes.Internal, "weft-agent returned an invalid ADD result", error.Msg), replyVersion);
        }

        io.Reply(result.ToJson(config.CniVersion));
        return 0;
    }

    private static CniError Unavailable(CniCommand command, AgentUnavailableException ex)
    {
        var code = command == CniCommand.Status ? CniErrorCodes.NotAvailable : CniErrorCodes.TryAgainLater;
        return new CniError(code, $"weft-agent is not running or not ready at {ex.SocketPath}", ex.Reason);
    }

    // The runtime would otherwise retry DEL until kubelet gives up and leak the IP; the agent replays
    // the queue when it starts.
    private static int QueueDel(CniOutput io, NetConf config, CniRequest request, AgentUnavailableException ex, string replyVersion)
    {
        try
        {
            var path = DelQueue.Enqueue(config.DelQueueDir, request);
            io.Log($"DEL {request.ContainerId}/{request.IfName}: {ex.Message}; queued as {path}");
            return 0;
        }
        catch (Exception queueError) when (queueError is IOException or UnauthorizedAccessException)
        {
            return io.Fail(new CniError(CniErrorCodes.TryAgainLater, $"weft-agent is not running or not ready at {ex.SocketPath} and DEL could not be queued",
                queueError.Message), replyVersion);
        }
    }

    // VERSION tolerates any stdin: libcni sends {"cniVersion":"x"}, a person may send nothing.
    private static string? AskedVersion(byte[] input)
    {
        try
        {
            using var doc = JsonDocument.Parse(input);
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("cniVersion", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
