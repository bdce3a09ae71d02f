using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Translates one policy into another dialect where the target can say exactly the same, and otherwise names
/// every part it cannot say. Works on the model: the source is compiled by its front end, written out by the
/// target's writer, and the result compiled back by the target's front end and compared with the source
/// (<see cref="ModelEquivalence"/>); anything that does not come back the same is refused, so no inexact
/// policy is ever emitted. All or nothing per source policy. Pure and thread-safe.
/// </summary>
public static class PolicyConverter
{
    /// <summary>Compiles <paramref name="policy"/> with its dialect's front end and converts it.</summary>
    /// <param name="policy">A policy of any dialect <see cref="PolicyDialects"/> knows.</param>
    /// <param name="target">The dialect to write.</param>
    /// <param name="context">Objects the source refers to (tiers, groups); the written policies are compiled back against them too.</param>
    public static ConversionResult Convert(Resource policy, ConversionTarget target, PolicyContext context)
    {
        var frontEnd = PolicyDialects.For(policy);
        var clusterScoped = KindInfo.IsClusterScoped(new ResourceType(KindInfo.GroupOf(policy.ApiVersion), policy.Kind));
        var reference = new PolicyRef(frontEnd?.Dialect ?? "", policy.Kind, clusterScoped ? null : policy.Metadata.Namespace ?? "default", policy.Metadata.Name);
        if (frontEnd is null)
        {
            return Refused(reference, "kind", $"{policy.ApiVersion} {policy.Kind} is not a policy kind Weft reads");
        }
        try
        {
            return Convert(reference, frontEnd.Compile(policy, context), target, context);
        }
        catch (ValidationException e)
        {
            return new ConversionResult(reference.ToString(), [], [.. e.Errors.Select(x => new ConversionProblem(reference.ToString(), x.Field, "the source is invalid: " + x.Detail))], []);
        }
    }

    /// <summary>Converts the model of one source policy.</summary>
    /// <param name="source">The source policy (names the result and the problems).</param>
    /// <param name="set">Its compiled model.</param>
    /// <param name="target">The dialect to write.</param>
    /// <param name="context">Objects the written policies refer to (tiers).</param>
    /// <param name="compile">
    /// How to compile the written policies back; the default is <see cref="PolicyDialects"/>. Without a front end for
    /// the target the output is emitted unchecked, with a warning.
    /// </param>
    public static ConversionResult Convert(PolicyRef source, PolicySet set, ConversionTarget target, PolicyContext context,
        Func<Resource, PolicyContext, PolicySet>? compile = null)
    {
        var no = new Refusals(source.ToString(), target);
        foreach (var warning in set.Warnings)
        {
            var (field, text) = SplitWarning(warning);
            no.Policy(field, $"the source has a part the policy model does not hold, so its model is not the whole policy: {text}");
        }
        var policy = new SourcePolicy(source, set);
        CommonChecks(policy, no);
        if (policy.IsEmpty && no.List.Count == 0)
        {
            return new ConversionResult(source.ToString(), [], [], [$"{source}: no rule can match anything and nothing is isolated: nothing to write"]);
        }
        if (no.List.Count > 0)
        {
            return new ConversionResult(source.ToString(), [], no.List, []);
        }
        var written = target switch
        {
            ConversionTarget.NetworkPolicy => NetworkPolicyWriter.Write(policy, no),
            ConversionTarget.Anp => AnpWriter.Write(policy, no),
            ConversionTarget.Antrea => AntreaWriter.Write(policy, no),
            ConversionTarget.Calico => CalicoWriter.Write(policy, context, no),
            _ => CiliumWriter.Write(policy, no),
        };
        if (no.List.Count > 0)
        {
            return new ConversionResult(source.ToString(), [], no.List, []);
        }
        return Check(source, set, written, context, compile, no);
    }

    /// <summary>Compiles what was written back and compares it with the source; any difference refuses the conversion.</summary>
    private static ConversionResult Check(PolicyRef source, PolicySet set, IReadOnlyList<Resource> written, PolicyContext context,
        Func<Resource, PolicyContext, PolicySet>? compile, Refusals no)
    {
        var policies = written.Where(r => !IsContextKind(r)).ToList();
        var known = PolicyDialects.ContextTypes.SelectMany(t => context.OfKind(t.Group, t.Kind));
        var checkContext = new PolicyContext(known.Concat(written.Where(IsContextKind)));
        var warnings = new List<string>(no.Notes);
        var sets = new List<PolicySet>();
        foreach (var resource in policies)
        {
            var front = compile ?? (PolicyDialects.For(resource) is { } f ? f.Compile : null);
            if (front is null)
            {
                warnings.Add($"{source}: not checked: no front end for {resource.ApiVersion} {resource.Kind} is registered, so the written policy was not compiled back");
                continue;
            }
            try
            {
                sets.Add(front(resource, checkContext));
            }
            catch (ValidationException e)
            {
                foreach (var error in e.Errors)
                {
                    no.Policy("(converted)", $"the {resource.Kind} written is invalid, so nothing is emitted (a converter bug): {error}");
                }
            }
        }
        if (sets.Count == policies.Count && no.List.Count == 0)
        {
            var back = PolicySet.Combine(sets);
            foreach (var warning in back.Warnings)
            {
                no.Policy("(converted)", $"the written policy compiles with a caveat, so it is not exact: {SplitWarning(warning).Text}");
            }
            var report = ModelEquivalence.Compare(set, back);
            foreach (var difference in report.Differences)
            {
                no.Policy("(converted)", $"the written policy does not decide like the source: {difference}");
            }
            warnings.AddRange(report.Moves.Select(m => $"{source}: its place on the ladder moves, which matters only against other policies of the same band: {m}"));
            warnings.AddRange(report.Caveats.Select(c => $"{source}: {c}"));
        }
        return no.List.Count > 0
            ? new ConversionResult(source.ToString(), [], no.List, [])
            : new ConversionResult(source.ToString(), written, [], warnings);
    }

    /// <summary>What no target can take from the model: L7 rules, FQDN peers, non-pod subjects.</summary>
    private static void CommonChecks(SourcePolicy policy, Refusals no)
    {
        if (policy.MixedBands)
        {
            no.Policy("tier", "the source's rules sit in more than one band of the ladder");
        }
        // Isolation alone (a default-deny policy) selects pods too: only Weft reads the reserved labels in any dialect.
        if (policy.Isolations.Any(i => i.Subject is PodSubject { Pods: var isolated } && isolated.Keys().Any(ReservedLabels.IsReserved)))
        {
            no.Policy("isolation", ByServiceAccount);
        }
        foreach (var rule in policy.AllRules)
        {
            if (rule.L7.Count > 0)
            {
                no.Rule(rule, "l7", $"L7 rules ({string.Join(", ", rule.L7.Select(l => l is OpaqueL7 o ? o.Kind : l.ToString()).Distinct())}) are not converted: each dialect's L7 language means something else");
            }
            foreach (var peer in rule.Peers.OfType<FqdnPeer>())
            {
                no.Peer(rule, peer, "FQDN peers are not converted: each dialect's wildcards mean something else");
            }
            if (rule.Subject is not PodSubject)
            {
                no.Rule(rule, "subject", $"{no.Target} selects pods; the source rule applies to {rule.Subject}");
            }
            else if (rule.Subject is PodSubject { Pods: var pods } && pods.Keys().Any(ReservedLabels.IsReserved))
            {
                no.Rule(rule, "subject", ByServiceAccount);
            }
            foreach (var peer in rule.Peers.Where(p => p is PodPeer or NotPeer { Inner: PodPeer }))
            {
                var pods = peer is PodPeer p ? p.Pods : ((PodPeer)((NotPeer)peer).Inner).Pods;
                if (pods.Keys().Any(ReservedLabels.IsReserved))
                {
                    no.Peer(rule, peer, "peers selected by service account are not converted yet");
                }
            }
        }
    }

    private const string ByServiceAccount = "selections by service account are not converted yet";

    private static bool IsContextKind(Resource resource) => PolicyDialects.ContextTypes.Contains(new ResourceType(KindInfo.GroupOf(resource.ApiVersion), resource.Kind));

    private static ConversionResult Refused(PolicyRef source, string field, string reason) =>
        new(source.ToString(), [], [new ConversionProblem(source.ToString(), field, reason)], []);

    /// <summary>Front ends word warnings "Object: field: text"; the field names the problem.</summary>
    private static (string Field, string Text) SplitWarning(string warning)
    {
        var parts = warning.Split(": ", 3);
        return parts.Length == 3 ? (parts[1], parts[2]) : ("spec", warning);
    }
}
