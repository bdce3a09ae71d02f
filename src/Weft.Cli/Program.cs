using Weft.Cli;
using Weft.Cli.Commands;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    cts.Cancel();
});

try
{
    var words = args.TakeWhile(a => a != "--").Where(a => !a.StartsWith('-')).Take(2).ToArray();
    var verb = words.ElementAtOrDefault(0);
    return verb switch
    {
        "lab" => await LabCommands.RunAsync(args[1..], cts.Token),
        "apply" => await ResourceCommands.ApplyAsync(Args.Parse(args[1..]), cts.Token),
        "delete" => await ResourceCommands.DeleteAsync(Args.Parse(args[1..]), cts.Token),
        "get" => await ResourceCommands.GetAsync(Args.Parse(args[1..]), cts.Token),
        "demo" => await DemoCommand.RunAsync(Args.Parse(args[1..]), cts.Token),
        "policy" => await PolicyCommands.RunAsync(args[1..], cts.Token),
        "ipam" => await IpamCommands.RunAsync(args[1..], cts.Token),
        null or "help" => Usage(0),
        _ => Usage(2, $"unknown command '{verb}'"),
    };
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or FileNotFoundException
    or Weft.Model.ValidationException or Weft.Ipam.IpamException
    or TimeoutException or Weft.Store.StoreException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}

static int Usage(int code, string? error = null)
{
    if (error is not null)
    {
        Console.Error.WriteLine($"error: {error}");
    }
    Console.Error.WriteLine("""
        weft: a Kubernetes CNI, and a lab that runs it in network namespaces on this machine.

          weft demo                                  bring up a 3-node lab, start pods, show who reaches whom
          weft lab up [--name demo] [--nodes 3] [--mode vxlan|routed] [--pod-cidr CIDR] [--ipv6-pod-cidr CIDR]
          weft lab down [--name demo]
          weft lab status [-o json]
          weft lab exec NS/POD -- CMD...             run a command in a pod's network namespace
          weft lab probe [--port 80] [--protocol TCP|UDP] [-o json]
          weft apply -f FILE|DIR                     create or update objects in the lab's store
          weft delete -f FILE | weft delete pod NAME [-n NS]
          weft get pods|nodes|namespaces [-n NS | -A] [-o wide|json|yaml]
          weft policy explain --from NS/POD --to NS/POD|IP --port 80 --protocol TCP [-f FILE|DIR]
          weft policy matrix [--port 80] [--protocol TCP] [-o json] [-f FILE|DIR]
                                                     without -f: the lab's store; with -f: offline from files
          weft policy drops [--follow] [-o json]     packets denied by policy, with the deciding rule
          weft policy stats [-o json]                packets and bytes per policy rule, summed over nodes
          weft ipam status                           pools and their use, blocks per node, claimed addresses
          weft ipam check [-o json]                  leaks and conflicts in IPAM state; exit 1 when any

        Commands that act on a lab take --lab NAME when more than one lab is up.
        """);
    return code;
}
