using System.Text.Json;
using Weft.Cli.Output;
using Weft.Lab;
using Weft.Model;
using Weft.Policy;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Cli.Commands;

/// <summary>
/// `weft policy explain|matrix`: namespaces, pods (IPs from status.podIPs) and NetworkPolicies come from -f files or
/// directories (offline), or without -f from a lab's store; the reference evaluator answers without sending a packet.
/// `weft policy drops|stats` read what a lab's agents and kernels recorded.
/// </summary>
internal static class PolicyCommands
{
    private const string Usage = """
        usage:
          weft policy explain --from NS/POD|IP --to NS/POD|IP [--port 80] [--protocol TCP|UDP|SCTP] [--source-port N] [-f FILE|DIR ... | --lab NAME]
          weft policy matrix [--port 80] [--protocol TCP|UDP|SCTP] [--source-port N] [-o json] [-f FILE|DIR ... | --lab NAME]
          weft policy drops [--follow] [-o json] [--lab NAME]
          weft policy stats [-o json] [--lab NAME]
          weft policy convert --to networkpolicy|anp|antrea|calico|cilium -f FILE|DIR ...
        """;

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] argv, CancellationToken ct) => RunAsync(argv, Console.Out, Console.Error, ct);

    /// <summary>Exit 0 on an answer, 1 on bad input (message names the object and field), 2 on usage errors.</summary>
    internal static async Task<int> RunAsync(string[] argv, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Args a;
        try
        {
            a = Args.Parse(argv);
        }
        catch (ArgumentException e)
        {
            return Fail(stderr, e.Message, 2);
        }
        var sub = a.Positional.FirstOrDefault();
        try
        {
            return sub switch
            {
                "explain" => await ExplainAsync(a, stdout, ct),
                "matrix" => await MatrixAsync(a, stdout, ct),
                "drops" => await PolicyDrops.RunAsync(a, stdout, ct),
                "stats" => await PolicyLabSource.StatsAsync(a, stdout, ct),
                "convert" => PolicyConvert.Run(a, stdout, stderr),
                _ => Fail(stderr, sub is null ? "missing policy command" : $"unknown policy command '{sub}'", 2),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or ValidationException or IOException or InvalidOperationException)
        {
            return Fail(stderr, e.Message, 1);
        }
    }

    private static async Task<int> ExplainAsync(Args a, TextWriter stdout, CancellationToken ct)
    {
        var from = a.Get("from") ?? throw new ArgumentException("--from NS/POD|IP is required");
        var to = a.Get("to") ?? throw new ArgumentException("--to NS/POD|IP is required");
        var connection = ReadConnection(a);
        var evaluator = await LoadAsync(a, ct);
        stdout.Write(Explanation.Format(evaluator.Evaluate(from, to, connection)));
        return 0;
    }

    private static async Task<int> MatrixAsync(Args a, TextWriter stdout, CancellationToken ct)
    {
        var connection = ReadConnection(a);
        var output = a.Get("o", "output");
        var evaluator = await LoadAsync(a, ct);
        if (output is not (null or "json"))
        {
            throw new ArgumentException($"-o: '{output}' is not supported; use json or leave it out");
        }
        var matrix = evaluator.Matrix(connection);
        if (output == "json")
        {
            stdout.WriteLine(matrix.ToJson().ToJsonString(Indented));
            return 0;
        }
        var ids = matrix.Matrix.Keys.ToList();
        stdout.WriteLine($"reachability {connection} by policy: rows = from, columns = to, "
            + $"'.' = allowed, 'X' = denied ({matrix.Reachable}/{matrix.Total} allowed)");
        var table = new TablePrinter(["FROM\\TO", .. ids.Select((_, i) => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        for (var i = 0; i < ids.Count; i++)
        {
            table.AddRow([$"{i + 1} {ids[i]}", .. ids.Select(id => matrix.Matrix[ids[i]][id] ? "." : "X")]);
        }
        table.Write(stdout);
        return 0;
    }

    private static Connection ReadConnection(Args a)
    {
        var port = a.GetInt("port", 80);
        var text = a.Get("protocol") ?? "TCP";
        var protocol = Protocols.Parse(text) is { } p and (L4Protocol.Tcp or L4Protocol.Udp or L4Protocol.Sctp)
            ? p
            : throw new ArgumentException($"--protocol: '{text}' must be TCP, UDP or SCTP");
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"--port: {port} must be between 1 and 65535");
        }
        // Without --source-port the client's port is an ephemeral one, which no source-port condition matches.
        int? source = a.Get("source-port") is null ? null : a.GetInt("source-port", 0);
        return source is null or (>= 1 and <= 65535)
            ? new Connection(protocol, port) { SourcePort = source }
            : throw new ArgumentException($"--source-port: {source} must be between 1 and 65535");
    }

    /// <summary>
    /// Without -f: the lab's store. With -f: reads every file, validates every object, and only then builds the
    /// evaluator, so a bad file yields no answer.
    /// </summary>
    private static async Task<PolicyEvaluator> LoadAsync(Args a, CancellationToken ct)
    {
        var files = a.All("f", "filename");
        var lab = a.Get("lab");
        a.RejectUnknown();
        if (files.Count == 0)
        {
            return await PolicyLabSource.EvaluatorAsync(LabController.Resolve(lab), ct);
        }
        if (lab is not null)
        {
            throw new ArgumentException("-f and --lab exclude each other: -f answers offline from files, --lab from a running lab");
        }
        var objects = files.SelectMany(ManifestReader.Read).ToList();
        var errors = objects.Where(o => o.Kind is "Pod" or "Namespace" or "Node").SelectMany(Validation.GetErrors).ToList();
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var policies = PolicyDialects.CompileAll(objects);
        return new PolicyEvaluator(ClusterSnapshot.FromResources(objects), policies);
    }

    private static int Fail(TextWriter stderr, string message, int code)
    {
        stderr.WriteLine($"error: {message}");
        if (code == 2)
        {
            stderr.WriteLine(Usage);
        }
        return code;
    }
}
