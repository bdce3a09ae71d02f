using System.Net;
using System.Net.Sockets;
using Weft.Policy.Ir;
using static Weft.Policy.Calico.SelectorAlgebra;

namespace Weft.Policy.Calico;

/// <summary>
/// A rule in model terms. <see cref="Local"/> is the condition the rule puts on the policy's own endpoint (the
/// destination side of an ingress rule, the source side of an egress rule), as an endpoint expression the caller
/// ANDs into the subject. <see cref="Gaps"/> name conditions the model cannot express; the peers and ports are
/// then the wider version (the condition left out).
/// </summary>
internal sealed record CompiledRule(
    IReadOnlyList<Peer> Peers,
    Selector Local,
    IReadOnlyList<PortMatch> Ports,
    IReadOnlyList<PortMatch> NotPorts,
    IReadOnlyList<L7Matcher> L7,
    IReadOnlyList<string> Gaps);

/// <summary>
/// Turns a validated Calico rule into peers, ports and a local condition. The other end of the connection is
/// the source for ingress and the destination for egress; destination ports are the connection's destination
/// port in both directions, source ports its source port.
/// </summary>
internal sealed class RuleCompiler(string? policyNamespace)
{
    private static readonly Cidr AnyV4 = new(IPAddress.Any, 0);
    private static readonly Cidr AnyV6 = new(IPAddress.IPv6Any, 0);

    public CompiledRule Compile(CalicoRule rule, Direction direction, string path)
    {
        var gaps = new List<string>();
        var (peer, peerField, local, localField) = direction == Direction.Ingress
            ? (rule.Source, "source", rule.Destination, "destination")
            : (rule.Destination, "destination", rule.Source, "source");
        var peers = Peers(peer, rule, $"{path}.{peerField}", path, gaps);
        var localCondition = Local(local, $"{path}.{localField}", gaps);
        var (ports, notPorts) = PortMatches(rule, path, gaps);
        List<L7Matcher> l7 = rule.Http is { } http ? [new OpaqueL7("http", http.ToJsonString())] : [];
        return new CompiledRule(peers, localCondition, ports, notPorts, l7, gaps);
    }

    /// <summary>
    /// The selector part of an EntityRule as libcalico-go builds it: a namespaced policy (or a namespaceSelector)
    /// scopes the positive selector as soon as any selector field is used, notSelector alone included.
    /// </summary>
    private (Selector? Positive, Selector? Negative) Expression(EntitySide side, string field, List<string> gaps)
    {
        var selector = side.Selector is { } written ? EndpointLabels.WithModelServiceAccount(written) : null;
        var negative = side.NotSelector is { } not ? EndpointLabels.WithModelServiceAccount(not) : null;
        if (side.ServiceAccounts is { } accounts)
        {
            if (accounts.Names.Count > 0)
            {
                selector = And(selector ?? Selector.All, new LabelExpression(ReservedLabels.ServiceAccount, SelectorOperator.In, accounts.Names));
            }
            if (accounts.Selector is { } labels)
            {
                selector = And(selector ?? Selector.All, EndpointLabels.FromServiceAccountSelector(labels));
            }
        }
        var hasSelector = selector is not null || side.ServiceAccounts is not null;
        Selector? scope = side.NamespaceSelector is { } ns
            ? EndpointLabels.FromNamespaceSelector(ns)
            : policyNamespace is { } own ? EndpointLabels.InNamespace(own) : null;
        Selector? positive = scope is not null && (hasSelector || negative is not null || side.NamespaceSelector is not null)
            ? And(scope, selector ?? Selector.All)
            : hasSelector ? selector ?? Selector.All : null;
        return (positive, negative);
    }

    private List<Peer> Peers(EntitySide side, CalicoRule rule, string field, string path, List<string> gaps)
    {
        List<Peer>? endpoints = null;
        if (side.Services)
        {
            gaps.Add($"{field}.services: Kubernetes Service matching is not in the policy model");
        }
        else if (side.GlobalOnly)
        {
            gaps.Add($"{field}.namespaceSelector: global() selects GlobalNetworkSets and host endpoints, which are not in the policy model");
            endpoints = [EndpointLabels.NotAPod];
        }
        else
        {
            var (positive, negative) = Expression(side, field, gaps);
            if (positive is not null)
            {
                endpoints = [.. EndpointLabels.Peers(negative is null ? positive : And(positive, Not(negative)))];
            }
            else if (negative is not null)
            {
                endpoints = [.. EndpointLabels.Complement(negative)];
            }
        }
        var family = rule.IpVersion;
        var addresses = Addresses(side, family);
        if (endpoints is null)
        {
            return addresses ?? [new AnyPeer()];
        }
        if (addresses is not null)
        {
            gaps.Add($"{field}: nets or notNets together with selectors need an AND of peers, which the model lacks");
            return [.. endpoints, .. addresses];
        }
        var implied = rule.Protocol?.Number switch
        {
            1 => 4,
            58 => 6,
            _ => (int?)null,
        };
        if (family is not null && family != implied)
        {
            gaps.Add($"{path}.ipVersion: an IP family on a selector peer needs an AND of peers, which the model lacks");
        }
        return endpoints;
    }

    /// <summary>nets ∧ ¬notNets ∧ family as ipBlocks with excepts; null when the side has no address condition.</summary>
    private static List<Peer>? Addresses(EntitySide side, int? family)
    {
        if (side.Nets.Count == 0 && side.NotNets.Count == 0 && family is null)
        {
            return null;
        }
        if (side.Nets.Count == 0 && side.NotNets is [var only] && family is null)
        {
            return [new NotPeer(new IpBlockPeer(only, []))];
        }
        IEnumerable<Cidr> bases = side.Nets.Count > 0 ? side.Nets : family switch
        {
            4 => [AnyV4],
            6 => [AnyV6],
            _ => [AnyV4, AnyV6],
        };
        return [.. bases.Select(b => new IpBlockPeer(b, [.. side.NotNets.Where(n => n.Network.AddressFamily == b.Network.AddressFamily)]))];
    }

    /// <summary>The condition on the policy's own endpoint, as an endpoint expression.</summary>
    private Selector Local(EntitySide side, string field, List<string> gaps)
    {
        if (side.Nets.Count > 0 || side.NotNets.Count > 0)
        {
            gaps.Add($"{field}: nets or notNets on the policy's own endpoint are not in the policy model");
        }
        // Pods are always namespaced; the host endpoints global() would add are not modelled.
        if (side.GlobalOnly)
        {
            return None;
        }
        var (positive, negative) = Expression(side, field, gaps);
        return And(positive ?? Selector.All, negative is null ? Selector.All : Not(negative));
    }

    private static (List<PortMatch> Ports, List<PortMatch> NotPorts) PortMatches(CalicoRule rule, string path, List<string> gaps)
    {
        var protocol = rule.Protocol?.Protocol ?? L4Protocol.Any;
        int? number = rule.Protocol is { Protocol: L4Protocol.Number } p ? p.Number : null;
        PortMatch Match(PortSpec? port) => new(protocol, port?.Range, port?.Name) { ProtocolNumber = number, Icmp = rule.Icmp };

        var source = rule.Source.Ports;
        List<PortRange?> sourceRanges = [null];
        if (source.Any(s => s.Name is not null))
        {
            gaps.Add($"{path}.source.ports: a named source port resolves on the source endpoint, which the model cannot express");
        }
        else if (source.Count > 0)
        {
            sourceRanges = [.. source.Select(s => s.Range)];
        }
        var destination = rule.Destination.Ports;
        var ports = new List<PortMatch>();
        if (rule.Protocol is not null || rule.Icmp is not null || destination.Count > 0 || sourceRanges[0] is not null)
        {
            IEnumerable<PortSpec?> targets = destination.Count > 0 ? destination.Cast<PortSpec?>() : [null];
            ports = [.. targets.SelectMany(t => sourceRanges.Select(s => Match(t) with { SourcePorts = s }))];
        }

        var notPorts = new List<PortMatch>();
        if (rule.NotProtocol is { } np)
        {
            notPorts.Add(new PortMatch(np.Protocol) { ProtocolNumber = np.Protocol == L4Protocol.Number ? np.Number : null });
        }
        if (rule.NotIcmp is { } notIcmp)
        {
            notPorts.Add(new PortMatch(protocol == L4Protocol.IcmpV6 ? L4Protocol.IcmpV6 : L4Protocol.Icmp) { Icmp = notIcmp });
        }
        notPorts.AddRange(rule.Destination.NotPorts.Select(d => Match(d) with { Icmp = null }));
        if (rule.Source.NotPorts.Any(s => s.Name is not null))
        {
            gaps.Add($"{path}.source.notPorts: a named source port resolves on the source endpoint, which the model cannot express");
        }
        notPorts.AddRange(rule.Source.NotPorts.Where(s => s.Range is not null).Select(s => Match(null) with { Icmp = null, SourcePorts = s.Range }));
        return (ports, notPorts);
    }
}
