using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Weft.Dataplane.Policy;
using Weft.Linux.Netlink;

namespace Weft.Agent;

/// <summary>
/// Verdict provenance: reads the packets the policy chains log to NFLOG group <see cref="PolicyCompiler.LogGroup"/>
/// and appends one JSON line per packet to <c>drops.jsonl</c> in the state dir, for `weft policy drops`.
/// </summary>
/// <remarks>
/// The kernel never waits for this reader: when it falls behind, netfilter drops log records (the listener's
/// lost bursts) and, past a bounded queue, this class drops them too; both are counted and reported in the
/// agent log, never retried. The file is rotated to <c>drops.jsonl.1</c> past <see cref="MaxFileBytes"/>.
/// Must be started on a thread in the node's network namespace (the agent's own).
/// </remarks>
internal sealed class DropRecorder : IAsyncDisposable
{
    public const string FileName = "drops.jsonl";
    public const long MaxFileBytes = 5 * 1024 * 1024;
    private const int QueueCapacity = 4096;

    private readonly string _path;
    private readonly NflogListener _listener;
    private readonly Channel<NflogRecord> _queue;
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private long _queueDropped;

    private DropRecorder(string stateDir, NflogListener listener)
    {
        _path = Path.Combine(stateDir, FileName);
        _listener = listener;
        _queue = Channel.CreateBounded<NflogRecord>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _queueDropped));
    }

    /// <summary>Records the kernel dropped because the socket was full, plus records this class dropped from its queue.</summary>
    public long Lost => _listener.LostBursts + Interlocked.Read(ref _queueDropped);

    /// <summary>Binds the log group and starts recording; null (logged) when the group cannot be bound, so the agent runs on without provenance.</summary>
    public static DropRecorder? TryStart(string stateDir, CancellationToken ct)
    {
        NflogListener listener;
        try
        {
            listener = NflogListener.Open((ushort)PolicyCompiler.LogGroup);
        }
        catch (NetlinkException e)
        {
            Log.Error($"drops: cannot bind NFLOG group {PolicyCompiler.LogGroup}: {e.Message}; denied packets will not be recorded");
            return null;
        }
        var recorder = new DropRecorder(stateDir, listener);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, recorder._stop.Token).Token;
        recorder._reader = Task.Run(() => recorder.ReadAsync(linked), CancellationToken.None);
        recorder._writer = Task.Run(() => recorder.WriteAsync(linked), CancellationToken.None);
        Log.Info($"drops: recording NFLOG group {PolicyCompiler.LogGroup} to {recorder._path}");
        return recorder;
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var record in _listener.ReadAllAsync(ct))
            {
                _queue.Writer.TryWrite(record);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Error($"drops: reading NFLOG group {PolicyCompiler.LogGroup} failed: {e.Message}; recording stopped");
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }

    private async Task WriteAsync(CancellationToken ct)
    {
        long reportedLost = 0;
        FileStream? file = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                file ??= OpenAppend();
                using (var json = new Utf8JsonWriter(file))
                {
                    while (_queue.Reader.TryRead(out var record))
                    {
                        Write(json, record);
                        json.Flush();
                        file.WriteByte((byte)'\n');
                        json.Reset(file);
                    }
                }
                // Flushed per batch so `weft policy drops --follow` sees packets promptly.
                await file.FlushAsync(ct);
                if (file.Length > MaxFileBytes)
                {
                    await file.DisposeAsync();
                    file = null;
                    File.Move(_path, _path + ".1", overwrite: true);
                }
                if (Lost > reportedLost)
                {
                    reportedLost = Lost;
                    Log.Warn($"drops: {reportedLost} log record burst(s) lost so far: the recorder fell behind");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException e)
        {
            Log.Error($"drops: writing {_path} failed: {e.Message}; recording stopped");
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }
        }
    }

    private FileStream OpenAppend() => new(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The line format `weft policy drops` reads: time, src, dst, protocol, srcPort, dstPort, verdict, rule.</summary>
    internal static void Write(Utf8JsonWriter json, NflogRecord r)
    {
        json.WriteStartObject();
        json.WriteString("time", (r.Timestamp ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("src", r.Source?.ToString());
        json.WriteString("dst", r.Destination?.ToString());
        json.WriteString("protocol", ProtocolName(r.Protocol));
        WriteNumber(json, "srcPort", r.SourcePort);
        WriteNumber(json, "dstPort", r.DestinationPort);
        WriteNumber(json, "icmpType", r.IcmpType);
        var (verdict, rule) = Split(r.Prefix);
        json.WriteString("verdict", verdict);
        json.WriteString("rule", rule);
        json.WriteEndObject();
    }

    private static readonly string[] LoggedActions = ["Reject: ", "Allow: ", "Log: ", "Pass: "];

    /// <summary>
    /// The policy chains prefix what they log with the action ("Reject: ", "Allow: ", "Log: "); drops carry no
    /// prefix, so every earlier record still reads as a drop.
    /// </summary>
    internal static (string Verdict, string? Rule) Split(string? prefix)
    {
        foreach (var action in LoggedActions)
        {
            if (prefix is not null && prefix.StartsWith(action, StringComparison.Ordinal))
            {
                return (action[..^2], prefix[action.Length..]);
            }
        }
        return ("Drop", prefix);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is int v)
        {
            json.WriteNumber(name, v);
        }
    }

    private static string? ProtocolName(byte? protocol) => protocol switch
    {
        null => null,
        6 => "TCP",
        17 => "UDP",
        132 => "SCTP",
        1 => "ICMP",
        58 => "ICMPv6",
        var p => p.Value.ToString(CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_reader, _writer);
        _listener.Dispose();
        _stop.Dispose();
    }
}
