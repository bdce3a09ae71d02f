namespace Weft.Dataplane.Tests;

/// <summary>Expected scripts of <see cref="PolicyCompilerTests"/>; each was applied to a real kernel with nft -f when recorded.</summary>
internal static class Golden
{
    public const string NoPolicy = """
        add table inet weft
        flush table inet weft
        add map inet weft pod-egress { type ifname : verdict; }
        add map inet weft pod-ingress { type ifname : verdict; }
        add set inet weft pod-veths { type ifname; }
        add chain inet weft eg-x-a
        add chain inet weft eg-x-b
        add chain inet weft in-x-a
        add chain inet weft in-x-b
        add chain inet weft weft-forward { type filter hook forward priority 0; policy accept; }
        add chain inet weft weft-input { type filter hook input priority 0; policy accept; }
        add chain inet weft weft-to-ingress
        add element inet weft pod-egress { "weft00000000001" : jump eg-x-a, "weft00000000002" : jump eg-x-b }
        add element inet weft pod-ingress { "weft00000000001" : jump in-x-a, "weft00000000002" : jump in-x-b }
        add element inet weft pod-veths { "weft00000000001", "weft00000000002" }
        add rule inet weft eg-x-a goto weft-to-ingress
        add rule inet weft eg-x-b goto weft-to-ingress
        add rule inet weft in-x-a accept
        add rule inet weft in-x-b accept
        add rule inet weft weft-forward ct state established,related accept
        add rule inet weft weft-forward ct state invalid drop
        add rule inet weft weft-forward iifname "weft*" iifname != "weft.vxlan" iifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-forward oifname "weft*" oifname != "weft.vxlan" oifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-forward iifname vmap @pod-egress
        add rule inet weft weft-forward oifname vmap @pod-ingress
        add rule inet weft weft-input ct state established,related accept
        add rule inet weft weft-input iifname "weft*" iifname != "weft.vxlan" iifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-input iifname vmap @pod-egress
        add rule inet weft weft-to-ingress oifname vmap @pod-ingress
        add rule inet weft weft-to-ingress accept
        """ + "\n";

    public const string DenyIngress = """
        add table inet weft
        flush table inet weft
        add map inet weft pod-egress { type ifname : verdict; }
        add map inet weft pod-ingress { type ifname : verdict; }
        add set inet weft pod-veths { type ifname; }
        add chain inet weft eg-x-a
        add chain inet weft eg-x-b
        add chain inet weft in-x-a
        add chain inet weft in-x-b
        add chain inet weft weft-forward { type filter hook forward priority 0; policy accept; }
        add chain inet weft weft-input { type filter hook input priority 0; policy accept; }
        add chain inet weft weft-to-ingress
        add element inet weft pod-egress { "weft00000000001" : jump eg-x-a, "weft00000000002" : jump eg-x-b }
        add element inet weft pod-ingress { "weft00000000001" : jump in-x-a, "weft00000000002" : jump in-x-b }
        add element inet weft pod-veths { "weft00000000001", "weft00000000002" }
        add rule inet weft eg-x-a goto weft-to-ingress
        add rule inet weft eg-x-b goto weft-to-ingress
        add rule inet weft in-x-a log group 100 prefix "x/deny ingress default-deny" counter drop comment "isolated ingress: NetworkPolicy x/deny"
        add rule inet weft in-x-b log group 100 prefix "x/deny ingress default-deny" counter drop comment "isolated ingress: NetworkPolicy x/deny"
        add rule inet weft weft-forward ct state established,related accept
        add rule inet weft weft-forward ct state invalid drop
        add rule inet weft weft-forward iifname "weft*" iifname != "weft.vxlan" iifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-forward oifname "weft*" oifname != "weft.vxlan" oifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-forward iifname vmap @pod-egress
        add rule inet weft weft-forward oifname vmap @pod-ingress
        add rule inet weft weft-input ct state established,related accept
        add rule inet weft weft-input iifname "weft*" iifname != "weft.vxlan" iifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-input iifname vmap @pod-egress
        add rule inet weft weft-to-ingress oifname vmap @pod-ingress
        add rule inet weft weft-to-ingress accept
        """ + "\n";

    public const string Mixed = """
        add table inet weft
        flush table inet weft
        add set inet weft out-eg0-p0n0-80-tcp-v4-63e7e2 { type ipv4_addr; }
        add set inet weft out-eg0-p0n0-80-tcp-v6-9527d4 { type ipv6_addr; }
        add set inet weft out-eg0-p0n0-8080-tcp-v4-ce93d8 { type ipv4_addr; }
        add set inet weft out-eg0-p0n0-8080-tcp-v6-36680c { type ipv6_addr; }
        add set inet weft out-eg1-p0-cidr-8286e1 { type ipv4_addr; flags interval; }
        add set inet weft out-eg1-p0-except-fc632e { type ipv4_addr; flags interval; }
        add map inet weft pod-egress { type ifname : verdict; }
        add map inet weft pod-ingress { type ifname : verdict; }
        add set inet weft pod-veths { type ifname; }
        add set inet weft web-in0-p0-v4-11ad4b { type ipv4_addr; }
        add set inet weft web-in0-p0-v6-0f7ef0 { type ipv6_addr; }
        add chain inet weft eg-x-a
        add chain inet weft eg-x-b
        add chain inet weft in-x-a
        add chain inet weft in-x-b
        add chain inet weft weft-forward { type filter hook forward priority 0; policy accept; }
        add chain inet weft weft-input { type filter hook input priority 0; policy accept; }
        add chain inet weft weft-to-ingress
        add element inet weft out-eg0-p0n0-80-tcp-v4-63e7e2 { 10.77.0.1 }
        add element inet weft out-eg0-p0n0-8080-tcp-v4-ce93d8 { 10.77.0.2 }
        add element inet weft out-eg1-p0-cidr-8286e1 { 192.168.0.0/16 }
        add element inet weft out-eg1-p0-except-fc632e { 192.168.1.0/24 }
        add element inet weft pod-egress { "weft00000000001" : jump eg-x-a, "weft00000000002" : jump eg-x-b }
        add element inet weft pod-ingress { "weft00000000001" : jump in-x-a, "weft00000000002" : jump in-x-b }
        add element inet weft pod-veths { "weft00000000001", "weft00000000002" }
        add element inet weft web-in0-p0-v4-11ad4b { 10.77.1.1 }
        add rule inet weft eg-x-a goto weft-to-ingress
        add rule inet weft eg-x-b ip daddr @out-eg0-p0n0-80-tcp-v4-63e7e2 meta l4proto tcp th dport 80 counter goto weft-to-ingress comment "k8s:NetworkPolicy/x/out:egress[0]"
        add rule inet weft eg-x-b ip6 daddr @out-eg0-p0n0-80-tcp-v6-9527d4 meta l4proto tcp th dport 80 counter goto weft-to-ingress comment "k8s:NetworkPolicy/x/out:egress[0]"
        add rule inet weft eg-x-b ip daddr @out-eg0-p0n0-8080-tcp-v4-ce93d8 meta l4proto tcp th dport 8080 counter goto weft-to-ingress comment "k8s:NetworkPolicy/x/out:egress[0]"
        add rule inet weft eg-x-b ip6 daddr @out-eg0-p0n0-8080-tcp-v6-36680c meta l4proto tcp th dport 8080 counter goto weft-to-ingress comment "k8s:NetworkPolicy/x/out:egress[0]"
        add rule inet weft eg-x-b ip daddr @out-eg1-p0-cidr-8286e1 ip daddr != @out-eg1-p0-except-fc632e meta l4proto sctp th dport 9000-9010 counter goto weft-to-ingress comment "k8s:NetworkPolicy/x/out:egress[1]"
        add rule inet weft eg-x-b log group 100 prefix "x/out egress default-deny" counter drop comment "isolated egress: NetworkPolicy x/out"
        add rule inet weft in-x-a ip saddr @web-in0-p0-v4-11ad4b meta l4proto tcp th dport 80 counter accept comment "k8s:NetworkPolicy/x/web:ingress[0]"
        add rule inet weft in-x-a ip6 saddr @web-in0-p0-v6-0f7ef0 meta l4proto tcp th dport 80 counter accept comment "k8s:NetworkPolicy/x/web:ingress[0]"
        add rule inet weft in-x-a log group 100 prefix "x/web ingress default-deny" counter drop comment "isolated ingress: NetworkPolicy x/web"
        add rule inet weft in-x-b accept
        add rule inet weft weft-forward ct state established,related accept
        add rule inet weft weft-forward ct state invalid drop
        add rule inet weft weft-forward iifname "weft*" iifname != "weft.vxlan" iifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-forward oifname "weft*" oifname != "weft.vxlan" oifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-forward iifname vmap @pod-egress
        add rule inet weft weft-forward oifname vmap @pod-ingress
        add rule inet weft weft-input ct state established,related accept
        add rule inet weft weft-input iifname "weft*" iifname != "weft.vxlan" iifname != @pod-veths counter drop comment "unconfigured pod veth"
        add rule inet weft weft-input iifname vmap @pod-egress
        add rule inet weft weft-to-ingress oifname vmap @pod-ingress
        add rule inet weft weft-to-ingress accept
        """ + "\n";
}
