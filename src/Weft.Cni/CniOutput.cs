using System.Text;
using Weft.Core.Cni;

namespace Weft.Cni;

/// <summary>Writes replies to stdout and log lines to stderr, as raw UTF-8 (no Console encoders to start).</summary>
internal sealed class CniOutput(Stream stdout, Stream stderr)
{
    public void Reply(string json)
    {
        stdout.Write(Encoding.UTF8.GetBytes(json + "\n"));
        stdout.Flush();
    }

    /// <summary>Prints <paramref name="error"/> on stdout, logs it, and returns the exit code 1.</summary>
    public int Fail(CniError error, string? cniVersion)
    {
        Log($"error {error.Code}: {error.Msg}{(string.IsNullOrEmpty(error.Details) ? "" : $" ({error.Details})")}");
        Reply(error.ToJson(cniVersion ?? CniVersions.Latest));
        return 1;
    }

    public void Log(string line)
    {
        stderr.Write(Encoding.UTF8.GetBytes($"weft-cni: {line}\n"));
        stderr.Flush();
    }
}
