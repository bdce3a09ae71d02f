using System.Buffers.Binary;
using System.Text;
using Weft.Agent.Contract;
using Weft.Cni.Tests.Support;
using Weft.Core.Cni;

namespace Weft.Cni.Tests;

// The shared wire pieces, in process: framing, the synchronous client, and the DEL queue format.
public sealed class AgentContractTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static readonly CniRequest Request = new()
    {
        Command = "ADD",
        ContainerId = "c1",
        Netns = "/proc/42/ns/net",
        IfName = "eth0",
        Args = "IgnoreUnknown=1",
        Path = "/opt/cni/bin",
        ConfigJson = """{"cniVersion":"1.0.0","name":"ünï"}""",
    };

    [Fact]
    public async Task Frames_are_big_endian_length_plus_utf8_json()
    {
        using var buffer = new MemoryStream();
        await AgentWire.WriteAsync(buffer, Request, AgentJsonContext.Default.CniRequest);
        var bytes = buffer.ToArray();
        var json = Encoding.UTF8.GetString(bytes, 4, bytes.Length - 4);

        Assert.Equal(bytes.Length - 4, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.StartsWith("""{"command":"ADD","containerId":"c1","netns":"/proc/42/ns/net","ifName":"eth0","args":"IgnoreUnknown=1","path":"/opt/cni/bin","configJson":""", json, StringComparison.Ordinal);

        buffer.Position = 0;
        var back = AgentWire.Read(buffer, AgentJsonContext.Default.CniRequest);
        Assert.Equal((Request.ContainerId, Request.ConfigJson), (back.ContainerId, back.ConfigJson));
    }

    [Fact]
    public async Task Sync_and_async_variants_interoperate()
    {
        using var buffer = new MemoryStream();
        AgentWire.Write(buffer, CniResponse.Failure(new CniError(11, "later", "agent starting")), AgentJsonContext.Default.CniResponse);
        buffer.Position = 0;
        var response = await AgentWire.ReadAsync(buffer, AgentJsonContext.Default.CniResponse);
        Assert.Equal(new CniError(11, "later", "agent starting"), response.ToError());
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(16u * 1024 * 1024 + 1)]
    public void Out_of_range_lengths_are_rejected_before_reading(uint length)
    {
        var frame = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(frame, length);
        var ex = Assert.Throws<InvalidDataException>(() => AgentWire.Read(new MemoryStream(frame), AgentJsonContext.Default.CniRequest));
        Assert.Contains($"frame length {length}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_invalid_messages_are_reported()
    {
        Assert.Throws<EndOfStreamException>(() => AgentWire.Read(new MemoryStream([0, 0]), AgentJsonContext.Default.CniRequest));
        Assert.Throws<EndOfStreamException>(() => AgentWire.Read(new MemoryStream([0, 0, 0, 9, (byte)'{']), AgentJsonContext.Default.CniRequest));

        var body = "{\"command\":\"ADD\"}"u8.ToArray(); // configJson is required
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        var ex = Assert.Throws<InvalidDataException>(() => AgentWire.Read(new MemoryStream(frame), AgentJsonContext.Default.CniRequest));
        Assert.StartsWith("CniRequest message is not valid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Response_helpers_map_errors()
    {
        Assert.Null(CniResponse.Success("{}").ToError());
        Assert.Equal(new CniError(999, "weft-agent failed without a message"), new CniResponse { Ok = false }.ToError());
        var request = CniRequest.From(new CniInvocation(CniCommand.Del, "c", null, "eth0", null, "/bin"), "{}");
        Assert.Equal(("DEL", "c", null, "eth0"), (request.Command, request.ContainerId, request.Netns, request.IfName));
    }

    [Fact]
    public void Client_round_trips_through_a_socket()
    {
        using var agent = new FakeAgent();
        var response = AgentClient.Call(agent.SocketPath, Request, TimeSpan.FromSeconds(5));
        Assert.True(response.Ok);
        Assert.True(CniResult.TryParse(response.ResultJson!, out var result, out _));
        Assert.Equal("/proc/42/ns/net", result.Interfaces[1].Sandbox);
        Assert.Equal(Request.ConfigJson, Assert.Single(agent.Requests).ConfigJson);
    }

    [Fact]
    public void Client_reports_a_missing_socket_as_unavailable()
    {
        var ex = Assert.Throws<AgentUnavailableException>(() => AgentClient.Call(_dir["none.sock"], Request, TimeSpan.FromSeconds(1)));
        Assert.Equal(_dir["none.sock"], ex.SocketPath);
        Assert.Equal("socket file does not exist", ex.Reason);
    }

    [Fact]
    public void Client_times_out_when_the_agent_does_not_answer()
    {
        using var release = new ManualResetEventSlim();
        using var agent = new FakeAgent
        {
            Handler = _ =>
            {
                release.Wait(TimeSpan.FromSeconds(10));
                throw new CloseWithoutAnswerException();
            },
        };
        var started = Environment.TickCount64;
        var ex = Assert.Throws<AgentUnavailableException>(() => AgentClient.Call(agent.SocketPath, Request, TimeSpan.FromMilliseconds(300)));
        release.Set();
        Assert.Equal("no answer within 0.3 s", ex.Reason);
        Assert.InRange(Environment.TickCount64 - started, 250, 5000);
    }

    [Fact]
    public void Queue_enqueue_read_remove()
    {
        var queue = _dir["q"];
        Assert.Empty(DelQueue.ReadAll(queue));

        var path = DelQueue.Enqueue(queue, Del("a"));
        DelQueue.Enqueue(queue, Del("b"));
        Assert.Equal(Path.Combine(queue, DelQueue.EntryName("a", "eth0")), path);

        var entries = DelQueue.ReadAll(queue);
        Assert.Equal(["a", "b"], entries.Select(e => e.Request.ContainerId).Order());
        DelQueue.Remove(queue, entries[0]);
        DelQueue.Remove(queue, entries[0]); // already gone: fine
        Assert.Single(DelQueue.ReadAll(queue));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(queue));
    }

    [Fact]
    public void Queue_rejects_a_new_entry_when_full_but_replaces_existing_ones()
    {
        var queue = _dir["q"];
        for (var i = 0; i < DelQueue.MaxEntries; i++)
        {
            DelQueue.Enqueue(queue, Del($"c{i}"));
        }

        var ex = Assert.Throws<DelQueueFullException>(() => DelQueue.Enqueue(queue, Del("one-more")));
        Assert.Equal(queue, ex.Directory);
        DelQueue.Enqueue(queue, Del("c5"));
        Assert.Equal(DelQueue.MaxEntries, DelQueue.ReadAll(queue).Count);
    }

    [Fact]
    public void Queue_ignores_temp_files_and_drops_corrupt_entries()
    {
        var queue = _dir["q"];
        DelQueue.Enqueue(queue, Del("a"));
        File.WriteAllText(Path.Combine(queue, ".tmp-1-abc"), "partial");
        File.WriteAllText(Path.Combine(queue, "0123456789abcdef.json"), "{not json");

        Assert.Equal("a", Assert.Single(DelQueue.ReadAll(queue)).Request.ContainerId);
        Assert.False(File.Exists(Path.Combine(queue, "0123456789abcdef.json")));
        Assert.True(File.Exists(Path.Combine(queue, ".tmp-1-abc")));
    }

    [Fact]
    public void Queue_waits_for_the_lock_and_gives_up_after_the_timeout()
    {
        var queue = _dir["q"];
        Directory.CreateDirectory(queue);
        using (new FileStream(Path.Combine(queue, DelQueue.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = Assert.Throws<IOException>(() => DelQueue.Enqueue(queue, Del("a"), TimeSpan.FromMilliseconds(100)));
            Assert.Contains("is held by another process", ex.Message, StringComparison.Ordinal);
        }

        DelQueue.Enqueue(queue, Del("a"), TimeSpan.FromMilliseconds(100));
        Assert.Single(DelQueue.ReadAll(queue));
    }

    [Fact]
    public void Entry_names_are_stable_hex_per_attachment()
    {
        Assert.Equal(DelQueue.EntryName("c1", "eth0"), DelQueue.EntryName("c1", "eth0"));
        Assert.NotEqual(DelQueue.EntryName("c1", "eth0"), DelQueue.EntryName("c1", "net1"));
        Assert.Matches("^[0-9a-f]{16}\\.json$", DelQueue.EntryName("c1", "eth0"));
    }

    private static CniRequest Del(string containerId) => new() { Command = "DEL", ContainerId = containerId, IfName = "eth0", ConfigJson = "{}" };

    public void Dispose() => _dir.Dispose();
}
