using Weft.Model;
using Weft.Policy;
using Weft.Policy.Conversion;

namespace Weft.Cli.Commands;

/// <summary>
/// `weft policy convert --to DIALECT -f FILE|DIR ...`: every policy in the files, converted where the target can
/// say exactly the same (YAML on stdout), and for every other one each part the target cannot say (stderr).
/// Tiers and groups in the files serve as context. Exit 0 when everything converted, 1 when something could not
/// be (what did convert is still printed), 2 on usage errors.
/// </summary>
internal static class PolicyConvert
{
    public const string Usage = "weft policy convert --to networkpolicy|anp|antrea|calico|cilium -f FILE|DIR ...";

    public static int Run(Args a, TextWriter stdout, TextWriter stderr)
    {
        var to = a.Get("to");
        var files = a.All("f", "filename");
        try
        {
            a.RejectUnknown();
        }
        catch (ArgumentException e)
        {
            return UsageError(stderr, e.Message);
        }
        if (to is null || ConversionTargets.Parse(to) is not { } target)
        {
            return UsageError(stderr, to is null ? "--to is required" : $"--to: '{to}' is not one of {string.Join(", ", ConversionTargets.Names)}");
        }
        if (files.Count == 0)
        {
            return UsageError(stderr, "-f FILE|DIR is required");
        }
        var objects = files.SelectMany(ManifestReader.Read).ToList();
        var context = new PolicyContext(objects.Where(PolicyDialects.IsContext));
        var policies = objects.Where(PolicyDialects.IsPolicy).ToList();
        if (policies.Count == 0)
        {
            stderr.WriteLine("error: no policy of any dialect Weft reads in the files given");
            return 1;
        }
        var written = new List<Resource>();
        var writtenFor = new Dictionary<ResourceKey, string>();
        var failed = 0;
        foreach (var policy in policies)
        {
            var result = PolicyConverter.Convert(policy, target, context);
            foreach (var warning in result.Warnings)
            {
                stderr.WriteLine($"warning: {warning}");
            }
            foreach (var problem in result.Problems)
            {
                stderr.WriteLine($"cannot convert: {problem}");
            }
            if (Collision(result, writtenFor) is { } other)
            {
                stderr.WriteLine($"cannot convert: {result.Source}: it would be written as {other}");
                failed++;
                continue;
            }
            failed += result.Converted ? 0 : 1;
            // Two policies may need the same new Tier: write it once.
            written.AddRange(result.Resources.Where(r => !written.Any(w => w.Key == r.Key)));
        }
        stdout.Write(string.Join("---\n", written.Select(ManifestWriter.ToYaml)));
        if (failed > 0)
        {
            stderr.WriteLine($"{failed} of {policies.Count} policies not converted to {ConversionTargets.Title(target)}");
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Two sources written under one name (two baseline policies both become BaselineAdminNetworkPolicy "default")
    /// would overwrite each other: the second is refused. Tiers they share are fine.
    /// </summary>
    private static string? Collision(ConversionResult result, Dictionary<ResourceKey, string> writtenFor)
    {
        var policies = result.Resources.Where(PolicyDialects.IsPolicy).ToList();
        if (policies.FirstOrDefault(p => writtenFor.ContainsKey(p.Key)) is { } clash)
        {
            var name = clash.Metadata.Namespace is null ? clash.Metadata.Name : $"{clash.Metadata.Namespace}/{clash.Metadata.Name}";
            return $"{clash.Kind} {name}, which {writtenFor[clash.Key]} already is";
        }
        foreach (var policy in policies)
        {
            writtenFor[policy.Key] = result.Source;
        }
        return null;
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine($"usage: {Usage}");
        return 2;
    }
}
