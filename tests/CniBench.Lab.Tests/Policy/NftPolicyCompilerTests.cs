using CniBench.Catalog;
using CniBench.Lab.Policy;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Tests.Policy;

/// <summary>
/// The compiler's nft text for small cases, written out by hand from the NetworkPolicy spec; the nft binary
/// accepting this syntax is checked by <see cref="NftPolicyEnforcerIntegrationTests"/>.
/// </summary>
public sealed class NftPolicyCompilerTests
{
    private static readonly PolicySupport Both = new(true, true);

    private const string Header = """
        table inet cnibench_policy
        delete table inet cnibench_policy
        table inet cnibench_policy {

        """;

    private const string NothingIsolated = Header + """
          chain forward {
            type filter hook forward priority 0; policy accept;
          }
        }

        """;

    [Fact]
    public void Compile_DenyAllIngressInNamespace_EveryPodOfItDropsOnItsOwnNode()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """);

        var scripts = Compile(policies, Both);

        Assert.Equal([PolicyTestModel.Node1, PolicyTestModel.Node2], scripts.Select(s => s.NodeNamespace));
        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip daddr 198.19.1.2 jump ingress_x_a
              }
              chain ingress_x_a {
                drop
              }
            }

            """, scripts[0].Text);
        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip daddr 198.19.2.2 jump ingress_x_b
              }
              chain ingress_x_b {
                drop
              }
            }

            """, scripts[1].Text);
    }

    [Fact]
    public void Compile_AllowFromNamespaceUnionWithDenyAll_SourcesAreThatNamespacesPodAddresses()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-a, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-from-y, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {ns: y}}
            """);

        var scripts = Compile(policies, Both);

        // policyTypes omitted and no egress rules: Ingress only. x/a accepts the union: y/a and y/b.
        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip daddr 198.19.1.2 jump ingress_x_a
              }
              chain ingress_x_a {
                ip saddr { 198.19.1.3, 198.19.2.3 } return comment "x/allow-from-y ingress[0]"
                drop
              }
            }

            """, scripts[0].Text);
        Assert.Equal(NothingIsolated, scripts[1].Text);
    }

    [Fact]
    public void Compile_IpBlockWithExcept_AddressRangesLeaveTheHoleOutPerFamily()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-block, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Ingress]
              ingress:
              - from:
                - ipBlock: {cidr: 198.19.0.0/16, except: [198.19.2.0/24]}
                - ipBlock: {cidr: "2001:db8::/32"}
            """);

        var scripts = Compile(policies, Both);

        // 198.19.0.0-198.19.1.255 is exactly 198.19.0.0/23; the rest up to 198.19.255.255 is no single block.
        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip daddr 198.19.1.2 jump ingress_x_a
              }
              chain ingress_x_a {
                ip saddr { 198.19.0.0/23, 198.19.3.0-198.19.255.255 } return comment "x/from-block ingress[0]"
                ip6 saddr 2001:db8::/32 return comment "x/from-block ingress[0]"
                drop
              }
            }

            """, scripts[0].Text);
    }

    [Fact]
    public void Compile_NamedPortEgressWithInferredTypes_PairsEachPeerAddressWithItsOwnPort()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: named-egress, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              egress:
              - to:
                - namespaceSelector: {}
                ports:
                - port: web
                - {protocol: UDP, port: 53}
            """);

        var scripts = Compile(policies, Both);

        // policyTypes omitted with egress rules: Ingress and Egress, so x/a is also ingress-isolated with no
        // rule. "web" is 8080 on x/b and 9090 on y/b; the other pods have no such port.
        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip saddr 198.19.1.2 jump egress_x_a
                ip daddr 198.19.1.2 jump ingress_x_a
              }
              chain egress_x_a {
                ip daddr { 198.19.1.2, 198.19.1.3, 198.19.2.2, 198.19.2.3 } udp dport 53 return comment "x/named-egress egress[0]"
                ip daddr . tcp dport { 198.19.2.2 . 8080, 198.19.2.3 . 9090 } return comment "x/named-egress egress[0]"
                drop
              }
              chain ingress_x_a {
                drop
              }
            }

            """, scripts[0].Text);
        Assert.Equal(NothingIsolated, scripts[1].Text);
    }

    [Fact]
    public void Compile_EndPortRangeSctpAndWholeProtocol_OnePortMatchPerProtocol()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ports, namespace: y}
            spec:
              podSelector: {matchLabels: {pod: b}}
              ingress:
              - ports:
                - {protocol: UDP, port: 80, endPort: 90}
                - {protocol: UDP, port: 85}
                - {protocol: UDP, port: 100}
                - {protocol: SCTP, port: 80}
                - {protocol: TCP}
                - {protocol: TCP, port: 81}
              - ports:
                - {port: serve-81-tcp}
                - {port: web}
                - {protocol: UDP, port: serve-81-tcp}
            """);

        var scripts = Compile(policies, Both);

        // Rule 0: the overlapping UDP entries merge; TCP without a port means every TCP port. Rule 1: ingress
        // named ports are y/b's own (81, 9090); UDP serve-81-tcp names no UDP port of y/b, so it adds nothing.
        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip daddr 198.19.2.3 jump ingress_y_b
              }
              chain ingress_y_b {
                meta l4proto tcp return comment "y/ports ingress[0]"
                udp dport { 80-90, 100 } return comment "y/ports ingress[0]"
                sctp dport 80 return comment "y/ports ingress[0]"
                tcp dport { 81, 9090 } return comment "y/ports ingress[1]"
                drop
              }
            }

            """, scripts[1].Text);
        Assert.Equal(NothingIsolated, scripts[0].Text);
    }

    [Fact]
    public void Compile_EgressOnlyPolicy_OnlyAnEgressChainAndPodSelectorStaysInPolicyNamespace()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-to-a, namespace: y}
            spec:
              podSelector: {matchLabels: {pod: b}}
              policyTypes: [Egress]
              egress:
              - to:
                - podSelector: {matchLabels: {pod: a}}
            """);

        var scripts = Compile(policies, Both);

        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip saddr 198.19.2.3 jump egress_y_b
              }
              chain egress_y_b {
                ip daddr 198.19.1.3 return comment "y/egress-to-a egress[0]"
                drop
              }
            }

            """, scripts[1].Text);
        Assert.Equal(NothingIsolated, scripts[0].Text);
    }

    [Fact]
    public void Compile_PeersMatchingNoPod_RuleAdmitsNobody()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-nobody, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: b}}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {ns: z}}
                - podSelector: {matchExpressions: [{key: pod, operator: NotIn, values: [a, b]}]}
                ports:
                - port: 80
            """);

        var scripts = Compile(policies, Both);

        Assert.Equal(Header + """
              chain forward {
                type filter hook forward priority 0; policy accept;
                ct state established,related accept
                ip daddr 198.19.2.2 jump ingress_x_b
              }
              chain ingress_x_b {
                drop
              }
            }

            """, scripts[1].Text);
    }

    [Fact]
    public void Compile_OnlyIngressEnforced_EgressIsolationIsNotInstalled()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: both, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Ingress, Egress]
            """);

        var scripts = Compile(policies, new PolicySupport(true, false));

        Assert.DoesNotContain("egress", scripts[0].Text, StringComparison.Ordinal);
        Assert.Contains("ip daddr 198.19.1.2 jump ingress_x_a", scripts[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NothingEnforced_NoScripts()
    {
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            """);

        Assert.Empty(Compile(policies, new PolicySupport(false, false)));
    }

    [Fact]
    public void Compile_NoPolicies_EveryNodeGetsAnEmptyTableReplacingTheOldOne()
    {
        var scripts = Compile([], Both);

        Assert.Equal([NothingIsolated, NothingIsolated], scripts.Select(s => s.Text));
    }

    [Fact]
    public void Compile_InvalidPolicyAndPlacements_ListsEveryProblemAndCompilesNothing()
    {
        var policy = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: block, namespace: x}
            spec:
              podSelector: {}
              ingress:
              - from:
                - ipBlock: {cidr: 198.19.0.0/16}
            """)[0];
        policy.Spec.Ingress[0].FromProperty[0].IpBlock.Cidr = "198.19.0.0/33";
        PodPlacement[] placements =
        [
            new("x/a", PolicyTestModel.Node1, "veth1"),
            new("y/a", PolicyTestModel.Node1, "veth1"),
            new("x/b", PolicyTestModel.Node2, "bad name"),
            new("z/q", PolicyTestModel.Node2, "veth3"),
        ];

        var error = Assert.Throws<PolicyCompileException>(() =>
            NftPolicyCompiler.Compile(PolicyTestModel.Model, placements, [policy], Both));

        Assert.Collection(
            error.Errors,
            e => Assert.Equal("pod y/a: cnb-t-n1 veth1 already carries another pod", e),
            e => Assert.StartsWith("pod x/b: 'bad name' is not an interface name", e, StringComparison.Ordinal),
            e => Assert.Equal("placement for pod 'z/q', which the model does not have", e),
            e => Assert.Equal("pod y/b (198.19.2.3) has no placement: its traffic could not be policed", e),
            e => Assert.Equal("policy x/block: spec.ingress[0].from[0].ipBlock.cidr: '198.19.0.0/33' is not a valid CIDR", e));
    }

    [Fact]
    public void Compile_PlacedPodWithoutAddress_IsAnError()
    {
        var model = new ClusterModel(
            [DefaultModel.NamespaceWithStandardLabels("x")],
            [new PodModel("x", "a", new Dictionary<string, string>(StringComparer.Ordinal), null, [])]);

        var error = Assert.Throws<PolicyCompileException>(() =>
            NftPolicyCompiler.Compile(model, [new PodPlacement("x/a", PolicyTestModel.Node1, "veth1")], [], Both));

        Assert.Equal(["pod x/a is placed but has no IP: rules match pods by address"], error.Errors);
    }

    private static IReadOnlyList<NftNodeScript> Compile(IReadOnlyList<k8s.Models.V1NetworkPolicy> policies, PolicySupport enforced) =>
        NftPolicyCompiler.Compile(PolicyTestModel.Model, PolicyTestModel.Placements, policies, enforced);
}
