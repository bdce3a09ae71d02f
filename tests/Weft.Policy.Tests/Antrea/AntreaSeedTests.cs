using Weft.Model;
using Weft.Policy.Antrea;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Antrea.AntreaCluster;

namespace Weft.Policy.Tests.Antrea;

/// <summary>The seed article's two Antrea examples, exactly as written (crd.antrea.io/v1alpha1).</summary>
public class AntreaSeedTests
{
    private static IReadOnlyList<Resource> Seed()
    {
        // The copies live with Weft.Model's test data; walk up from the test binary to the repository.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "Weft.Model.Tests", "TestData", "seed", "antrea-policies.yaml");
            if (File.Exists(path))
            {
                return ManifestReader.Read(path);
            }
        }
        throw new FileNotFoundException("antrea-policies.yaml not found above " + AppContext.BaseDirectory);
    }

    private static PolicySet Compiled(string name) =>
        AntreaPolicies.Compile(Seed().Single(r => r.Metadata.Name == name), PolicyContext.Empty);

    [Fact]
    public void Both_examples_are_Antrea_policies_and_compile()
    {
        var seed = Seed();
        Assert.Equal(2, seed.Count);
        Assert.All(seed, r => Assert.True(AntreaPolicies.Is(r)));
        Assert.All(seed, r => Assert.Empty(AntreaPolicies.Validate(r, PolicyContext.Empty)));
        Assert.Empty(AntreaPolicies.CompileAll(seed, PolicyContext.Empty).Isolations);
    }

    [Fact]
    public void Reject_ping_request_rejects_echo_requests_from_prod_servers_and_logs_them()
    {
        var set = Compiled("acnp-reject-ping-request");
        var rule = Assert.Single(set.Rules);
        Assert.Equal(Ladder.AntreaTier("securityops", 100), rule.Tier);
        Assert.Equal(5, rule.PolicyOrder);
        Assert.Equal("antrea:ClusterNetworkPolicy/acnp-reject-ping-request:egress[0]", rule.Id.Key);
        Assert.Equal("DropPingRequest", rule.Id.Name);
        Assert.True(rule.Log);

        var e = new PolicyEvaluator(Snapshot(), set);
        var ping = e.Evaluate("prod/server", "prod/client", Ping());
        Assert.Equal(Outcome.Reject, ping.Outcome);
        Assert.Same(rule, Assert.Single(ping.Egress.DecidingRules));
        Assert.Same(rule, Assert.Single(ping.Egress.LoggedBy));

        Assert.True(e.Evaluate("prod/server", "prod/client", Ping(type: 0)).Allowed, "echo replies are not requests");
        Assert.True(e.Evaluate("prod/server", "prod/client", Ping(code: 1)).Allowed, "only code 0 is named");
        Assert.True(e.Ask("prod/server", "prod/client", 80).Allowed, "TCP is untouched");
        Assert.True(e.Evaluate("dev/server", "prod/client", Ping()).Allowed, "dev is not env=prod");
        Assert.True(e.Evaluate("prod/client", "prod/server", Ping()).Allowed, "the client is not a server");
    }

    [Fact]
    public void Fqdn_all_foobar_warns_about_the_fqdn_and_drops_the_rest_at_L3_L4()
    {
        var set = Compiled("acnp-fqdn-all-foobar");
        Assert.Contains(set.Warnings, w => w.StartsWith(
            "ClusterNetworkPolicy.crd.antrea.io acnp-fqdn-all-foobar: spec.egress[0].to[0].fqdn: FQDN peers are not enforced yet", StringComparison.Ordinal));
        Assert.Equal(Ladder.AntreaTier("application", 250), set.Rules[0].Tier);
        var allow = set.Rules.Single(r => r.Id.Index == 0);
        Assert.Equal(new FqdnPeer("*foobar.com", FqdnFlavor.AntreaGlob), Assert.Single(allow.Peers));
        Assert.Equal(new PortMatch(L4Protocol.Tcp, new PortRange(8080, 8080)), Assert.Single(allow.Ports));

        var e = new PolicyEvaluator(Snapshot(), set);
        var v = e.Ask("prod/client", "other/db", 5432);
        Assert.False(v.Allowed);
        var drop = Assert.Single(v.Egress.DecidingRules);
        Assert.Equal(1, drop.Id.Index);
        Assert.Same(drop, Assert.Single(v.Egress.LoggedBy));
        Assert.False(e.Ask("dev/client", "203.0.113.7", 8080).Allowed, "no DNS answers: the fqdn Allow matches no address");
        Assert.True(e.Ask("prod/server", "other/db", 5432).Allowed, "only app=client pods are subjects");
        Assert.True(e.Ask("other/db", "prod/client", 80).Allowed, "egress only: ingress to clients is untouched");
    }
}
