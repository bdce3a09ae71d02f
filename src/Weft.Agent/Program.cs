using Weft.Agent;

AgentOptions options;
try
{
    options = AgentOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"weft-agent: {e.Message}");
    return 2;
}

// CNI requests do blocking netlink calls; enough pool threads up front keep a burst of pods from
// waiting on the pool's slow thread injection.
ThreadPool.SetMinThreads(32, 32);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});

try
{
    await using var host = new AgentHost(options);
    await host.RunAsync(stop.Token);
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"weft-agent: fatal: {e}");
    return 1;
}
