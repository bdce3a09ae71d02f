namespace Weft.Policy.Tests.Conversion;

/// <summary>Source policies of every dialect, each using much of what its dialect has.</summary>
internal static class Sources
{
    public const string NetworkPolicy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: x}
        spec:
          podSelector: {matchLabels: {app: a}}
          policyTypes: [Ingress, Egress]
          ingress:
          - from: [{podSelector: {matchLabels: {app: b}}}, {namespaceSelector: {matchLabels: {team: blue}}}]
            ports: [{port: 8080}, {protocol: UDP, port: 53}, {protocol: SCTP, port: 70, endPort: 90}]
          - from: [{ipBlock: {cidr: 172.16.0.0/12, except: [172.16.1.0/24]}}]
          egress:
          - to: [{namespaceSelector: {matchLabels: {team: red}}, podSelector: {matchExpressions: [{key: app, operator: In, values: [b, c]}]}}]
            ports: [{port: http}]
          - to: [{namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}}]
        """;

    public const string DenyAll = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: y}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        """;

    public const string Anp = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: deny-x}
        spec:
          priority: 10
          subject: {namespaces: {matchLabels: {team: red}}}
          ingress:
          - name: deny-blue-db
            action: Deny
            from: [{pods: {namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchLabels: {tier: db}}}}]
            ports: [{portNumber: {port: 5432}}, {portRange: {protocol: UDP, start: 50, end: 60}}]
          - name: allow-red
            action: Allow
            from: [{namespaces: {matchLabels: {team: red}}}]
            ports: [{namedPort: http}]
          egress:
          - name: allow-nodes
            action: Allow
            to: [{nodes: {matchLabels: {role: infra}}}]
          - name: allow-web
            action: Allow
            to: [{networks: [8.8.8.0/24]}]
            ports: [{portNumber: {protocol: TCP, port: 443}}]
          - name: deny-rest
            action: Deny
            to: [{networks: [0.0.0.0/0]}]
        """;

    public const string AnpPass = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: pass-team}
        spec:
          priority: 20
          subject: {pods: {namespaceSelector: {matchLabels: {team: red}}, podSelector: {matchLabels: {app: a}}}}
          ingress:
          - {name: pass-red, action: Pass, from: [{namespaces: {matchLabels: {team: red}}}]}
          - {name: deny-all-pods, action: Deny, from: [{namespaces: {}}]}
          egress:
          - {name: allow-any, action: Allow, to: [{networks: [0.0.0.0/0, "::/0"]}]}
        """;

    public const string Banp = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}}
          ingress:
          - {action: Allow, from: [{namespaces: {matchLabels: {team: red}}}]}
          - {action: Deny, from: [{namespaces: {}}]}
        """;

    public const string Acnp = """
        apiVersion: crd.antrea.io/v1beta1
        kind: ClusterNetworkPolicy
        metadata: {name: acnp}
        spec:
          tier: securityops
          priority: 5.5
          appliedTo: [{podSelector: {matchLabels: {app: a}}, namespaceSelector: {matchLabels: {team: red}}}]
          ingress:
          - name: self
            action: Allow
            from: [{podSelector: {}, namespaces: {match: Self}}]
            ports: [{protocol: TCP, port: 8000, endPort: 9000, sourcePort: 1000, sourceEndPort: 2000}]
          - name: drop-blue
            action: Drop
            enableLogging: true
            logLabel: blue
            from: [{namespaceSelector: {matchLabels: {team: blue}}}]
          - name: same-team
            action: Reject
            from: [{namespaces: {sameLabels: [team]}}]
          egress:
          - name: ping-nodes
            action: Allow
            to: [{nodeSelector: {matchLabels: {role: infra}}}]
            protocols: [{icmp: {icmpType: 8, icmpCode: 0}}]
          - name: pass-rest
            action: Pass
            to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.2.0/24]}}]
        """;

    public const string AcnpApplication = """
        apiVersion: crd.antrea.io/v1beta1
        kind: ClusterNetworkPolicy
        metadata: {name: app-policy}
        spec:
          priority: 5
          appliedTo: [{namespaceSelector: {matchLabels: {team: red}}}]
          ingress:
          - {name: pass-red, action: Pass, from: [{namespaceSelector: {matchLabels: {team: red}}}]}
          - {name: drop-db, action: Drop, from: [{namespaceSelector: {}, podSelector: {matchLabels: {tier: db}}}], ports: [{protocol: TCP, port: 5432}]}
          egress:
          - {name: web, action: Allow, to: [{ipBlock: {cidr: 8.8.8.0/24}}], ports: [{protocol: TCP, port: 443}]}
        """;

    public const string Annp = """
        apiVersion: crd.antrea.io/v1beta1
        kind: NetworkPolicy
        metadata: {name: annp, namespace: x}
        spec:
          tier: application
          priority: 3
          appliedTo: [{podSelector: {matchLabels: {app: a}}}]
          ingress:
          - action: Allow
            from: [{podSelector: {matchLabels: {app: b}}}, {namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchLabels: {tier: db}}}]
            ports: [{protocol: TCP, port: http}]
          - action: Drop
        """;

    public const string AntreaBaseline = """
        apiVersion: crd.antrea.io/v1beta1
        kind: ClusterNetworkPolicy
        metadata: {name: baseline-policy}
        spec:
          tier: baseline
          priority: 10
          appliedTo: [{namespaceSelector: {}}]
          ingress:
          - {action: Allow, from: [{namespaceSelector: {matchLabels: {team: red}}}]}
          - {action: Drop, from: [{namespaceSelector: {}}]}
        """;

    public const string Cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: cnp, namespace: x}
        spec:
          endpointSelector: {matchLabels: {app: a}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: b}}]
            toPorts: [{ports: [{port: "8080", protocol: TCP}, {port: "53", protocol: ANY}]}]
          - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: y}}]
          ingressDeny:
          - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: blue, app: b}}]
          egress:
          - toEntities: [world]
            toPorts: [{ports: [{port: "443", protocol: TCP}]}]
          - toNodes: [{matchLabels: {role: infra}}]
          - toCIDRSet: [{cidr: 8.8.8.0/24}]
            icmps: [{fields: [{type: 8}]}]
        """;

    public const string CnpAllowOnly = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: allow-b, namespace: x}
        spec:
          endpointSelector: {matchLabels: {app: a}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: b}}]
            toPorts: [{ports: [{port: "53", protocol: ANY}, {port: "0", protocol: TCP}]}]
          - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: y}}]
          egress:
          - toEndpoints: [{}]
        """;

    public const string Ccnp = """
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: ccnp}
        specs:
        - endpointSelector: {matchLabels: {app: a}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: b, io.kubernetes.pod.namespace: x}}]
        - endpointSelector: {matchLabels: {app: c}}
          enableDefaultDeny: {egress: false}
          egress:
          - toEntities: [cluster]
          log: {value: audit}
        """;

    public const string CalicoTier = """
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100, defaultAction: Pass}
        """;

    public const string CalicoGnp = CalicoTier + """

        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: security.gnp}
        spec:
          tier: security
          order: 10
          selector: app == 'a' || app == 'c'
          types: [Ingress, Egress]
          ingress:
          - action: Log
            source: {namespaceSelector: team == 'blue'}
          - action: Deny
            protocol: TCP
            source: {notNets: [10.0.0.0/8]}
            destination: {ports: ["8000:9000"]}
          - action: Pass
            source: {selector: app starts with 'b'}
          egress:
          - action: Allow
            protocol: ICMP
            icmp: {type: 8}
          - action: Allow
            protocol: UDP
            destination: {nets: [8.8.8.8/32], ports: [53]}
        """;

    public const string CalicoDefaultTier = """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: calico-np, namespace: x}
        spec:
          order: 100
          selector: app == 'a'
          ingress:
          - action: Deny
            source: {selector: app == 'b'}
          - action: Allow
            source: {namespaceSelector: team == 'red'}
            protocol: TCP
            destination: {ports: [8080, http]}
        """;

    /// <summary>A Calico default-tier policy at the NetworkPolicy block's order 1000 that only allows.</summary>
    public const string CalicoAllowAt1000 = """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-red, namespace: x}
        spec:
          order: 1000
          selector: app == 'a'
          types: [Ingress, Egress]
          ingress:
          - action: Allow
            source: {namespaceSelector: team == 'red', selector: has(app)}
          egress:
          - action: Allow
            protocol: UDP
            destination: {ports: [53]}
        """;
}
