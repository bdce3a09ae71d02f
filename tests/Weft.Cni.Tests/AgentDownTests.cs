using System.Net.Sockets;
using Weft.Agent.Contract;
using Weft.Cni.Tests.Support;
using Weft.Core.Cni;
using static Weft.Cni.Tests.Support.CniRunner;

namespace Weft.Cni.Tests;

// The agent is not there: ADD/CHECK/GC say "try again later", STATUS says "not available", DEL is queued.
[Collection(PublishedCniCollection.Name)]
public sealed class AgentDownTests(PublishedCni cni) : IDisposable
{
    private readonly TempDir _dir = new();

    private string Socket => _dir["absent.sock"];

    private string Queue => _dir["queue"];

    [Theory]
    [InlineData("ADD", "1.0.0", CniErrorCodes.TryAgainLater)]
    [InlineData("CHECK", "1.0.0", CniErrorCodes.TryAgainLater)]
    public void Container_verbs_are_code_11(string command, string version, int code)
    {
        var run = Run(cni.BinaryPath, ContainerEnv(command, "c1"), Config(version, Socket, Queue));
        Assert.Equal((1, code), (run.ExitCode, run.ErrorCode));
        Assert.Equal($"weft-agent is not running or not ready at {Socket}", run.ErrorMsg);
        Assert.Equal("socket file does not exist", run.Json["details"]!.GetValue<string>());
    }

    [Fact]
    public void Status_is_code_50_and_gc_is_code_11()
    {
        var status = Run(cni.BinaryPath, NodeEnv("STATUS"), Config("1.1.0", Socket, Queue));
        var gc = Run(cni.BinaryPath, NodeEnv("GC"), Config("1.1.0", Socket, Queue));
        Assert.Equal((1, CniErrorCodes.NotAvailable), (status.ExitCode, status.ErrorCode));
        Assert.Equal((1, CniErrorCodes.TryAgainLater), (gc.ExitCode, gc.ErrorCode));
    }

    [Fact]
    public void Refused_connection_is_code_11()
    {
        // Bound but not listening: connect gets ECONNREFUSED, as with a socket file left by a crashed agent.
        // (Disposing the socket would unlink the file, so it stays open for the test.)
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(Socket));

        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "c1"), Config("1.0.0", Socket, Queue));
        Assert.Equal((1, CniErrorCodes.TryAgainLater), (run.ExitCode, run.ErrorCode));
        Assert.Equal("connection refused (nothing listening)", run.Json["details"]!.GetValue<string>());
    }

    [Fact]
    public void Agent_hanging_up_without_answer_is_code_11()
    {
        using var agent = new FakeAgent { Handler = _ => throw new CloseWithoutAnswerException() };
        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "c1"), Config("1.0.0", agent.SocketPath, Queue));
        Assert.Equal((1, CniErrorCodes.TryAgainLater), (run.ExitCode, run.ErrorCode));
        Assert.Equal("agent closed the connection without answering", run.Json["details"]!.GetValue<string>());
    }

    [Fact]
    public void Del_is_queued_and_succeeds()
    {
        var config = Config("1.0.0", Socket, Queue);
        var run = Run(cni.BinaryPath, ContainerEnv("DEL", "c1", netns: null), config);

        Assert.Equal((0, ""), (run.ExitCode, run.Stdout));
        Assert.Contains("queued as", run.Stderr, StringComparison.Ordinal);
        var entry = Assert.Single(DelQueue.ReadAll(Queue));
        Assert.Equal(DelQueue.EntryName("c1", "eth0"), entry.FileName);
        Assert.Equal(("DEL", "c1", "eth0", null, config), (entry.Request.Command, entry.Request.ContainerId, entry.Request.IfName, entry.Request.Netns, entry.Request.ConfigJson));

        // A repeated DEL for the same attachment replaces its entry.
        Assert.Equal(0, Run(cni.BinaryPath, ContainerEnv("DEL", "c1"), config).ExitCode);
        Assert.Single(DelQueue.ReadAll(Queue));
    }

    [Fact]
    public void Del_queue_is_bounded_at_256()
    {
        for (var i = 0; i < DelQueue.MaxEntries; i++)
        {
            DelQueue.Enqueue(Queue, new CniRequest { Command = "DEL", ContainerId = $"old{i}", IfName = "eth0", ConfigJson = "{}" });
        }

        var config = Config("1.0.0", Socket, Queue);
        var overflow = Run(cni.BinaryPath, ContainerEnv("DEL", "new"), config);
        Assert.Equal((1, CniErrorCodes.TryAgainLater), (overflow.ExitCode, overflow.ErrorCode));
        Assert.Contains("is full (256 of 256 entries)", overflow.Json["details"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(DelQueue.MaxEntries, Directory.GetFiles(Queue, "*.json").Length);

        // An attachment already queued may still be replaced.
        Assert.Equal(0, Run(cni.BinaryPath, ContainerEnv("DEL", "old7"), config).ExitCode);
        Assert.Equal(DelQueue.MaxEntries, Directory.GetFiles(Queue, "*.json").Length);
    }

    public void Dispose() => _dir.Dispose();
}
