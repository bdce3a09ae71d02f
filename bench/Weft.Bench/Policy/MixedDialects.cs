using System.Globalization;
using Weft.Model;

namespace Weft.Bench.Policy;

/// <summary>
/// The synthetic cluster's 1,000 policies again, spread over every dialect: per namespace two policies of each of
/// Kubernetes NetworkPolicy, AdminNetworkPolicy, Antrea, Calico and Cilium (200 each), plus the one
/// BaselineAdminNetworkPolicy. Each dialect has ten shapes that translate the ten synthetic NetworkPolicies (same
/// selectors over the synthetic labels, same peers and ports; shapes 0, 1, 3 and 4 select this node's pods) and add
/// what the dialect has beyond them: tiers, Deny/Drop/Reject/Pass/Log, selector expressions, entities, CIDR excepts.
/// Cluster-scoped kinds (even shapes) pin their subject to the namespace they stand for, so every dialect selects
/// the same pods. Pod peers stay as small as the NetworkPolicies' (at most about 1,000 pods), so a bigger table
/// comes from the dialects, not from broader selectors; the exception is Cilium's entities (cluster is every pod
/// address, one set shared by all rules). Templates say $NS (the namespace), $OTHER (the next team), $PORT and
/// $ORDER. Same input every run.
/// </summary>
internal static class MixedDialects
{
    /// <summary>The dialects in the order of <see cref="Policy"/>'s <c>dialect</c> argument (the rule keys' prefixes).</summary>
    public static readonly string[] Dialects = ["k8s", "anp", "antrea", "calico", "cilium"];

    /// <summary>The shape every dialect edits in the edit case: it selects app0 (this node's pods) and has a port.</summary>
    public const int EditedShape = 1;

    /// <summary>The Calico Tier objects the Calico policies name (the default tier needs none).</summary>
    public static List<Resource> Context() =>
    [
        ResourceJson.Parse("""{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"security"},"spec":{"order":100,"defaultAction":"Deny"}}"""),
        ResourceJson.Parse("""{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"platform"},"spec":{"order":200,"defaultAction":"Pass"}}"""),
    ];

    /// <summary>All 1,001 policies, namespace by namespace, the BaselineAdminNetworkPolicy last.</summary>
    public static List<Resource> Policies()
    {
        var all = new List<Resource>();
        for (var i = 0; i < SyntheticCluster.Namespaces; i++)
        {
            for (var d = 0; d < Dialects.Length; d++)
            {
                all.Add(Policy(d, i, ShapeOf(d, i, 0)));
                all.Add(Policy(d, i, ShapeOf(d, i, 1)));
            }
        }
        all.Add(ResourceJson.Parse(Banp));
        return all;
    }

    /// <summary>
    /// Namespace <paramref name="i"/> holds shapes 2m and 2m+1 of each dialect, m shifted per dialect: every shape
    /// occurs 20 times, and a namespace's policies of one dialect differ from those of the next.
    /// </summary>
    public static int ShapeOf(int dialect, int i, int k) => (2 * ((i + dialect) % 5)) + k;

    /// <summary>The namespace whose policy of <see cref="EditedShape"/> the edit case changes, for one dialect.</summary>
    public static int EditedNamespace(int dialect) => 10 + ((5 - dialect) % 5);

    /// <summary>Shape <paramref name="shape"/> (0–9) of a dialect for namespace <paramref name="i"/>; <paramref name="port"/> varies the edit.</summary>
    public static Resource Policy(int dialect, int i, int shape, int port = 8080)
    {
        if (dialect == 0)
        {
            return SyntheticCluster.Policy(i, shape, port);
        }
        var ns = SyntheticCluster.NamespaceName(i);
        var cluster = shape % 2 == 0;
        var (apiVersion, kind, name, spec) = dialect switch
        {
            1 => ("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", $"anp-{ns}-{shape}", Anp[shape]),
            2 => ("crd.antrea.io/v1beta1", cluster ? "ClusterNetworkPolicy" : "NetworkPolicy", cluster ? $"acnp-{ns}-{shape}" : $"annp-{shape}", Antrea[shape]),
            3 => ("projectcalico.org/v3", cluster ? "GlobalNetworkPolicy" : "NetworkPolicy",
                (Calico[shape].Tier == "default" ? "" : Calico[shape].Tier + ".") + (cluster ? $"gnp-{ns}-{shape}" : $"np-{shape}"),
                $"{{\"tier\":\"{Calico[shape].Tier}\",{Calico[shape].Spec[1..]}"),
            _ => ("cilium.io/v2", cluster ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy", cluster ? $"ccnp-{ns}-{shape}" : $"cnp-{shape}", Cilium[shape]),
        };
        var scoped = dialect != 1 && !cluster;
        var meta = scoped ? $"{{\"namespace\":\"{ns}\",\"name\":\"{name}\"}}" : $"{{\"name\":\"{name}\"}}";
        var text = $"{{\"apiVersion\":\"{apiVersion}\",\"kind\":\"{kind}\",\"metadata\":{meta},\"spec\":{spec}}}"
            .Replace("$NS", ns, StringComparison.Ordinal)
            .Replace("$OTHER", $"t{(i + 1) % 10}", StringComparison.Ordinal)
            .Replace("$PORT", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$ORDER", ((i * 10) + shape + (dialect == 2 ? 1 : 0)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return ResourceJson.Parse(text);
    }

    private const string Banp = """
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"BaselineAdminNetworkPolicy","metadata":{"name":"default"},
         "spec":{"subject":{"namespaces":{"matchLabels":{"env":"dev"}}},
          "ingress":[{"name":"no-prod","action":"Deny","from":[{"namespaces":{"matchLabels":{"env":"prod","team":"t9"}}}]}],
          "egress":[{"name":"dns","action":"Allow","to":[{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ns-000"}},"podSelector":{"matchLabels":{"app":"app9"}}}}],
            "ports":[{"portNumber":{"protocol":"UDP","port":53}}]}]}}
        """;

    /// <summary>AdminNetworkPolicy specs: Allow, Deny and Pass, pods/namespaces peers, networks, ports, ranges and named ports.</summary>
    private static readonly string[] Anp =
    [
        """
        {"priority":$ORDER,"subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}},
         "ingress":[{"name":"no-prod","action":"Deny","from":[{"namespaces":{"matchLabels":{"env":"prod","team":"$OTHER"}}}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app0"}}}},
         "ingress":[{"name":"same-ns","action":"Allow","from":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}}],"ports":[{"portNumber":{"protocol":"TCP","port":$PORT}}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app1"}}}},
         "ingress":[{"name":"team","action":"Pass","from":[{"pods":{"namespaceSelector":{"matchLabels":{"team":"$OTHER"}},"podSelector":{"matchLabels":{"app":"app2"}}}}],"ports":[{"namedPort":"http"}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}},
         "ingress":[{"name":"monitoring","action":"Allow","from":[{"pods":{"namespaceSelector":{"matchLabels":{"team":"t0"}},"podSelector":{"matchLabels":{"role":"monitor"}}}}],"ports":[{"namedPort":"metrics"}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}},
         "egress":[{"name":"dns","action":"Allow","to":[{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ns-000"}},"podSelector":{"matchLabels":{"app":"app9"}}}}],
           "ports":[{"portNumber":{"protocol":"UDP","port":53}},{"portNumber":{"protocol":"TCP","port":53}}]},
          {"name":"own-ns","action":"Pass","to":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app3"}}}},
         "egress":[{"name":"db","action":"Allow","to":[{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app4"}}}}],
           "ports":[{"portRange":{"protocol":"TCP","start":5432,"end":5440}}]},
          {"name":"no-private","action":"Deny","to":[{"networks":["172.16.0.0/12"]}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app5"}}}},
         "ingress":[{"name":"web","action":"Allow","from":[{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},
           "podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","edge"]}]}}}],"ports":[{"portRange":{"protocol":"TCP","start":8000,"end":8100}}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app6"}}}},
         "ingress":[{"name":"tls-from-dev","action":"Deny","from":[{"namespaces":{"matchLabels":{"env":"dev"}}}],"ports":[{"portNumber":{"protocol":"TCP","port":443}}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app7"}}}},
         "egress":[{"name":"none","action":"Deny","to":[{"namespaces":{}},{"networks":["0.0.0.0/0"]}]}]}
        """,
        """
        {"priority":$ORDER,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app8"}}}},
         "ingress":[{"name":"app0","action":"Allow","from":[{"pods":{"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"NotIn","values":["t1"]}]},"podSelector":{"matchLabels":{"app":"app0"}}}}],
           "ports":[{"portNumber":{"protocol":"TCP","port":80}},{"portNumber":{"protocol":"UDP","port":81}}]}]}
        """,
    ];

    /// <summary>Antrea specs over the securityops, application and baseline tiers: Allow, Drop, Reject, Pass, logging, Self.</summary>
    private static readonly string[] Antrea =
    [
        """
        {"priority":$ORDER,"tier":"baseline","appliedTo":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}}],
         "ingress":[{"name":"deny-rest","action":"Drop","enableLogging":true}]}
        """,
        """
        {"priority":$ORDER,"tier":"application","appliedTo":[{"podSelector":{"matchLabels":{"app":"app0"}}}],
         "ingress":[{"name":"same-ns","action":"Allow","from":[{"podSelector":{}}],"ports":[{"protocol":"TCP","port":$PORT}]}]}
        """,
        """
        {"priority":$ORDER,"tier":"securityops","appliedTo":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app1"}}}],
         "ingress":[{"name":"team","action":"Pass","from":[{"namespaceSelector":{"matchLabels":{"team":"$OTHER"}},"podSelector":{"matchLabels":{"app":"app2"}}}],"ports":[{"protocol":"TCP","port":"http"}]}]}
        """,
        """
        {"priority":$ORDER,"tier":"securityops","appliedTo":[{"podSelector":{}}],
         "ingress":[{"name":"monitoring","action":"Allow","enableLogging":true,"from":[{"namespaceSelector":{"matchLabels":{"team":"t0"}},"podSelector":{"matchLabels":{"role":"monitor"}}}],
           "ports":[{"protocol":"TCP","port":"metrics"}]}]}
        """,
        """
        {"priority":$ORDER,"tier":"application","appliedTo":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}}}],
         "egress":[{"name":"dns","action":"Allow","to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ns-000"}},"podSelector":{"matchLabels":{"app":"app9"}}}],
           "ports":[{"protocol":"UDP","port":53},{"protocol":"TCP","port":53}]},
          {"name":"own-ns","action":"Allow","to":[{"namespaces":{"match":"Self"}}]}]}
        """,
        """
        {"priority":$ORDER,"tier":"application","appliedTo":[{"podSelector":{"matchLabels":{"app":"app3"}}}],
         "egress":[{"name":"db","action":"Allow","to":[{"podSelector":{"matchLabels":{"app":"app4"}}}],"ports":[{"protocol":"TCP","port":5432,"endPort":5440}]},
          {"name":"no-private","action":"Reject","to":[{"ipBlock":{"cidr":"172.16.0.0/12","except":["172.16.5.0/24"]}}]}]}
        """,
        """
        {"priority":$ORDER,"tier":"securityops","appliedTo":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app5"}}}],
         "ingress":[{"name":"web","action":"Allow","from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},
           "podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","edge"]}]}}],"ports":[{"protocol":"TCP","port":8000,"endPort":8100}]}]}
        """,
        """
        {"priority":$ORDER,"tier":"application","appliedTo":[{"podSelector":{"matchLabels":{"app":"app6"}}}],
         "ingress":[{"name":"tls","action":"Allow","from":[{"ipBlock":{"cidr":"192.168.0.0/16","except":["192.168.1.0/24"]}}],"ports":[{"protocol":"TCP","port":443}]},
          {"name":"rest","action":"Drop"}]}
        """,
        """
        {"priority":$ORDER,"tier":"baseline","appliedTo":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"$NS"}},"podSelector":{"matchLabels":{"app":"app7"}}}],
         "egress":[{"name":"none","action":"Drop"}]}
        """,
        """
        {"priority":$ORDER,"tier":"securityops","appliedTo":[{"podSelector":{"matchLabels":{"app":"app8"}}}],
         "ingress":[{"name":"app0","action":"Reject","from":[{"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"NotIn","values":["t1"]}]},"podSelector":{"matchLabels":{"app":"app0"}}}],
           "ports":[{"protocol":"TCP","port":80},{"protocol":"UDP","port":81}]}]}
        """,
    ];

    /// <summary>Calico specs (tier apart) in the default tier and the two custom ones: Allow, Deny, Log, Pass, selector expressions, nets/notNets.</summary>
    private static readonly (string Tier, string Spec)[] Calico =
    [
        ("default", """
        {"order":$ORDER,"namespaceSelector":"projectcalico.org/name == '$NS'","selector":"all()","types":["Ingress"]}
        """),
        ("default", """
        {"order":$ORDER,"selector":"app == 'app0'",
         "ingress":[{"action":"Allow","protocol":"TCP","source":{"selector":"all()"},"destination":{"ports":[$PORT]}}]}
        """),
        ("security", """
        {"order":$ORDER,"namespaceSelector":"projectcalico.org/name == '$NS'","selector":"app == 'app1'",
         "ingress":[{"action":"Pass","protocol":"TCP","source":{"namespaceSelector":"team == '$OTHER'","selector":"app == 'app2'"},"destination":{"ports":["http"]}}]}
        """),
        ("platform", """
        {"order":$ORDER,"selector":"has(role)",
         "ingress":[{"action":"Log","source":{"namespaceSelector":"team == 't0'","selector":"role == 'monitor'"}},
          {"action":"Allow","protocol":"TCP","source":{"namespaceSelector":"team == 't0'","selector":"role == 'monitor'"},"destination":{"ports":["metrics"]}}]}
        """),
        ("default", """
        {"order":$ORDER,"namespaceSelector":"projectcalico.org/name == '$NS'","selector":"all()","types":["Egress"],
         "egress":[{"action":"Allow","protocol":"UDP","destination":{"namespaceSelector":"projectcalico.org/name == 'ns-000'","selector":"app == 'app9'","ports":[53]}},
          {"action":"Allow","protocol":"TCP","destination":{"namespaceSelector":"projectcalico.org/name == 'ns-000'","selector":"app == 'app9'","ports":[53]}},
          {"action":"Allow","destination":{"namespaceSelector":"projectcalico.org/name == '$NS'"}}]}
        """),
        ("security", """
        {"order":$ORDER,"selector":"app == 'app3'","types":["Egress"],
         "egress":[{"action":"Allow","protocol":"TCP","destination":{"selector":"app == 'app4'","ports":["5432:5440"]}},
          {"action":"Deny","destination":{"nets":["172.16.0.0/12"],"notNets":["172.16.5.0/24"]}},{"action":"Pass"}]}
        """),
        ("platform", """
        {"order":$ORDER,"namespaceSelector":"projectcalico.org/name == '$NS'","selector":"app == 'app5'",
         "ingress":[{"action":"Allow","protocol":"TCP","source":{"namespaceSelector":"projectcalico.org/name == '$NS'","selector":"tier in {'frontend', 'edge'} && !has(legacy)"},
           "destination":{"ports":["8000:8100"]}}]}
        """),
        ("default", """
        {"order":$ORDER,"selector":"app == 'app6'",
         "ingress":[{"action":"Allow","protocol":"TCP","source":{"nets":["192.168.0.0/16"],"notNets":["192.168.1.0/24"]},"destination":{"ports":[443]}}]}
        """),
        ("security", """
        {"order":$ORDER,"namespaceSelector":"projectcalico.org/name == '$NS'","selector":"app == 'app7'","types":["Egress"],"egress":[{"action":"Deny"}]}
        """),
        ("default", """
        {"order":$ORDER,"selector":"app == 'app8'",
         "ingress":[{"action":"Allow","protocol":"TCP","source":{"namespaceSelector":"team not in {'t1'}","selector":"app == 'app0'"},"destination":{"ports":[80]}},
          {"action":"Allow","protocol":"UDP","source":{"namespaceSelector":"team not in {'t1'}","selector":"app == 'app0'"},"destination":{"ports":[81]}}]}
        """),
    ];

    /// <summary>Cilium specs: allows and denies, entities, CIDR sets with except, namespace labels, port ranges and named ports.</summary>
    private static readonly string[] Cilium =
    [
        """
        {"endpointSelector":{"matchLabels":{"io.kubernetes.pod.namespace":"$NS"}},
         "ingress":[{"fromEntities":["cluster"]}],"ingressDeny":[{"fromEntities":["world"]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app0"}},
         "ingress":[{"fromEndpoints":[{}],"toPorts":[{"ports":[{"port":"$PORT","protocol":"TCP"}]}]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app1","io.kubernetes.pod.namespace":"$NS"}},
         "ingress":[{"fromEndpoints":[{"matchLabels":{"io.cilium.k8s.namespace.labels.team":"$OTHER","app":"app2"}}],"toPorts":[{"ports":[{"port":"http","protocol":"TCP"}]}]}]}
        """,
        """
        {"endpointSelector":{},
         "ingress":[{"fromEndpoints":[{"matchLabels":{"io.cilium.k8s.namespace.labels.team":"t0","role":"monitor"}}],"toPorts":[{"ports":[{"port":"metrics","protocol":"TCP"}]}]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"io.kubernetes.pod.namespace":"$NS"}},
         "egress":[{"toEndpoints":[{"matchLabels":{"io.kubernetes.pod.namespace":"ns-000","app":"app9"}}],
           "toPorts":[{"ports":[{"port":"53","protocol":"UDP"},{"port":"53","protocol":"TCP"}]}]},
          {"toEndpoints":[{"matchLabels":{"io.kubernetes.pod.namespace":"$NS"}}]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app3"}},
         "egress":[{"toEndpoints":[{"matchLabels":{"app":"app4"}}],"toPorts":[{"ports":[{"port":"5432","endPort":5440,"protocol":"TCP"}]}]},
          {"toCIDRSet":[{"cidr":"172.16.0.0/12","except":["172.16.5.0/24"]}]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app5","io.kubernetes.pod.namespace":"$NS"}},
         "ingress":[{"fromEndpoints":[{"matchLabels":{"io.kubernetes.pod.namespace":"$NS"},"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","edge"]}]}],
           "toPorts":[{"ports":[{"port":"8000","endPort":8100,"protocol":"TCP"}]}]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app6"}},
         "ingress":[{"fromCIDRSet":[{"cidr":"192.168.0.0/16","except":["192.168.1.0/24"]}],"toPorts":[{"ports":[{"port":"443","protocol":"TCP"}]}]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app7","io.kubernetes.pod.namespace":"$NS"}},
         "egress":[{"toEntities":["cluster"]}],"egressDeny":[{"toEntities":["world"]}]}
        """,
        """
        {"endpointSelector":{"matchLabels":{"app":"app8"}},
         "ingressDeny":[{"fromEndpoints":[{"matchLabels":{"app":"app0"},"matchExpressions":[{"key":"io.cilium.k8s.namespace.labels.team","operator":"NotIn","values":["t1"]}]}],
           "toPorts":[{"ports":[{"port":"80","protocol":"TCP"},{"port":"81","protocol":"UDP"}]}]}]}
        """,
    ];
}
