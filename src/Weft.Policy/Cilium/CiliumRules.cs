using System.Text.Json.Nodes;
using Weft.Policy.Ir;

namespace Weft.Policy.Cilium;

/// <summary>What one Cilium ingress/egress (or deny) rule compiles to: peers, ports, L7, and the field it came from.</summary>
internal sealed record CompiledRule(IReadOnlyList<Peer> Peers, IReadOnlyList<PortMatch> Ports, IReadOnlyList<L7Matcher> L7, string Field);

/// <summary>
/// Reads one entry of ingress, ingressDeny, egress or egressDeny. L3 fields and toPorts are ANDed; toPorts
/// entries without L7 merge into one rule, and each entry with L7 rules becomes a rule of its own so that its
/// L7 part stays attached to exactly its ports.
/// </summary>
internal sealed class CiliumRules(CiliumScope scope)
{
    private static readonly string[] AuthenticationModes = ["disabled", "required", "test-always-fail"];

    private readonly CiliumPeers _peers = new(scope);
    private readonly CiliumPorts _ports = new(scope);

    public IReadOnlyList<CompiledRule> Read(JsonNode? node, string path, RuleKind kind)
    {
        // A null entry reads as {} (as Go decodes it): a rule that allows or denies nothing.
        if (scope.Object(node, path) is not { } rule)
        {
            return [];
        }
        var peers = _peers.Read(rule, path, kind);
        var groups = _ports.Read(rule, path, kind);
        Authentication(rule, path, kind);
        if (peers is null)
        {
            // No L3 field: with ports the rule applies to every peer; with nothing at all ({}) it allows nothing.
            if (groups is null)
            {
                return [];
            }
            peers = [new AnyPeer()];
        }
        if (peers.Count == 0)
        {
            return [];
        }
        if (groups is null)
        {
            return [new CompiledRule(peers, [], [], path)];
        }
        var result = new List<CompiledRule>();
        var plain = groups.Where(g => g.L7.Count == 0).SelectMany(g => g.Ports).ToList();
        if (plain.Count > 0)
        {
            result.Add(new CompiledRule(peers, plain, [], path));
        }
        result.AddRange(groups.Where(g => g.L7.Count > 0 && g.Ports.Count > 0).Select(g => new CompiledRule(peers, g.Ports, g.L7, g.Field)));
        return result;
    }

    private void Authentication(JsonObject rule, string path, RuleKind kind)
    {
        if (rule["authentication"] is not { } node)
        {
            return;
        }
        if (kind.Deny)
        {
            scope.Errors.Forbidden($"{path}.authentication", "deny rules take no authentication");
            return;
        }
        var mode = scope.Object(node, $"{path}.authentication") is { } auth ? auth["mode"] : null;
        if (mode is null)
        {
            scope.Errors.Required($"{path}.authentication.mode");
        }
        else if (!AuthenticationModes.Contains(CiliumJson.Text(mode)))
        {
            scope.Errors.Unsupported($"{path}.authentication.mode", mode, AuthenticationModes);
        }
        else if (CiliumJson.Text(mode) != "disabled")
        {
            scope.Warn($"{path}.authentication", "mutual authentication is not supported yet: the rule allows its traffic without it");
        }
    }
}
