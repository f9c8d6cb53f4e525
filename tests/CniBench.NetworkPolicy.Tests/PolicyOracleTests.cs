using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using static CniBench.NetworkPolicy.Tests.Fixtures;

namespace CniBench.NetworkPolicy.Tests;

/// <summary>
/// Expected matrices derived by hand from the NetworkPolicy spec on the upstream 9-pod model
/// (columns and rows: x/a x/b x/c  y/a y/b y/c  z/a z/b z/c; "." allowed, "X" blocked).
/// </summary>
public sealed class PolicyOracleTests
{
    private const string Header = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n";

    [Fact]
    public void ComputeAll_NoPolicies_AllowsEverythingOnEveryPortAndProtocol()
    {
        var expected = new PolicyOracle(DefaultModel.Create(), []).ComputeAll();

        Assert.Equal([Tcp80, Udp80, Sctp80, Tcp81, Udp81], expected.Tables.Select(t => t.Probe));
        foreach (var table in expected.Tables)
        {
            AssertMatrix(table, SameRows("... ... ..."));
        }
    }

    [Fact]
    public void Compute_DefaultDenyIngressInX_BlocksEveryConnectionIntoX()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: deny-all-ingress, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """);

        foreach (var probe in new[] { Tcp80, Tcp81, Udp80, Udp81 })
        {
            AssertMatrix(oracle.Compute(probe), SameRows("XXX ... ..."));
        }
    }

    [Fact]
    public void Compute_DefaultDenyEgressInY_BlocksEveryConnectionOutOfY()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: deny-all-egress, namespace: y}
            spec:
              podSelector: {}
              policyTypes: [Egress]
            """);

        AssertMatrix(oracle.Compute(Udp81),
            "x/a: ... ... ...",
            "x/b: ... ... ...",
            "x/c: ... ... ...",
            "y/a: XXX XXX XXX",
            "y/b: XXX XXX XXX",
            "y/c: XXX XXX XXX",
            "z/a: ... ... ...",
            "z/b: ... ... ...",
            "z/c: ... ... ...");
    }

    [Fact]
    public void Compute_PodSelectorPeer_AdmitsOnlyMatchingPodsOfThePolicyNamespace()
    {
        // y/b also has pod=b, but a podSelector alone only looks in the policy's own namespace.
        var oracle = OracleFor(Header + """
            metadata: {name: allow-b-to-a, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - podSelector: {matchLabels: {pod: b}}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: X.. ... ...",
            "x/b: ... ... ...",
            "x/c: X.. ... ...",
            "y/a: X.. ... ...",
            "y/b: X.. ... ...",
            "y/c: X.. ... ...",
            "z/a: X.. ... ...",
            "z/b: X.. ... ...",
            "z/c: X.. ... ...");
    }

    [Fact]
    public void Compute_NamespaceSelectorPeer_AdmitsEveryPodOfMatchingNamespaces()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: allow-ns-y, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {ns: y}}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: X.. ... ...",
            "x/b: X.. ... ...",
            "x/c: X.. ... ...",
            "y/a: ... ... ...",
            "y/b: ... ... ...",
            "y/c: ... ... ...",
            "z/a: X.. ... ...",
            "z/b: X.. ... ...",
            "z/c: X.. ... ...");
    }

    [Fact]
    public void Compute_PodAndNamespaceSelectorInOnePeer_AdmitsOnlyPodsMatchingBoth()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: allow-y-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
                  podSelector: {matchLabels: {pod: b}}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: X.. ... ...",
            "x/b: X.. ... ...",
            "x/c: X.. ... ...",
            "y/a: X.. ... ...",
            "y/b: ... ... ...",
            "y/c: X.. ... ...",
            "z/a: X.. ... ...",
            "z/b: X.. ... ...",
            "z/c: X.. ... ...");
    }

    [Fact]
    public void Compute_PodAndNamespaceSelectorInSeparatePeers_AdmitsPodsMatchingEither()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: allow-y-or-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
                - podSelector: {matchLabels: {pod: b}}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: X.. ... ...",
            "x/b: ... ... ...",
            "x/c: X.. ... ...",
            "y/a: ... ... ...",
            "y/b: ... ... ...",
            "y/c: ... ... ...",
            "z/a: X.. ... ...",
            "z/b: X.. ... ...",
            "z/c: X.. ... ...");
    }

    [Fact]
    public void Compute_MatchExpressionsInAndNotIn_SelectByValueSets()
    {
        // Target: pods of x whose pod label is NotIn [a, b] → only x/c. Sources: namespaces In [x, z].
        var oracle = OracleFor(Header + """
            metadata: {name: expressions, namespace: x}
            spec:
              podSelector:
                matchExpressions: [{key: pod, operator: NotIn, values: [a, b]}]
              ingress:
              - from:
                - namespaceSelector:
                    matchExpressions: [{key: ns, operator: In, values: [x, z]}]
            """);

        AssertMatrix(oracle.Compute(Tcp81),
            "x/a: ... ... ...",
            "x/b: ... ... ...",
            "x/c: ... ... ...",
            "y/a: ..X ... ...",
            "y/b: ..X ... ...",
            "y/c: ..X ... ...",
            "z/a: ... ... ...",
            "z/b: ... ... ...",
            "z/c: ... ... ...");
    }

    [Fact]
    public void Compute_MatchExpressionsExistsAndDoesNotExist_SelectByKeyPresence()
    {
        // Only x/a and y/a carry a tier label. Target: x pods without tier (x/b); sources: any pod with tier.
        var model = ModelFrom("""
            namespaces: {x: {labels: {}}, y: {}}
            pods:
              x/a: {labels: {pod: a, tier: web}, ports: [{port: 80, protocol: TCP}]}
              x/b: {labels: {pod: b}, ports: [{port: 80, protocol: TCP}]}
              y/a: {labels: {pod: a, tier: db}, ports: [{port: 80, protocol: TCP}]}
              y/b: {labels: {pod: b}, ports: [{port: 80, protocol: TCP}]}
            """);
        var policies = PoliciesFrom(Header + """
            metadata: {name: tiers, namespace: x}
            spec:
              podSelector:
                matchExpressions: [{key: tier, operator: DoesNotExist}]
              ingress:
              - from:
                - namespaceSelector: {}
                  podSelector:
                    matchExpressions: [{key: tier, operator: Exists}]
            """);

        AssertMatrix(new PolicyOracle(model, policies).Compute(Tcp80),
            "x/a: .. ..",
            "x/b: .X ..",
            "y/a: .. ..",
            "y/b: .X ..");
    }

    [Fact]
    public void Compute_MatchExpressionsNotIn_AlsoMatchesPodsWithoutTheKey()
    {
        // tier NotIn [db] selects x/a (tier=web) and x/b (no tier label at all), as the selector spec says.
        var model = ModelFrom("""
            namespaces: {x: {}}
            pods:
              x/a: {labels: {pod: a, tier: web}, ports: [{port: 80}]}
              x/b: {labels: {pod: b}, ports: [{port: 80}]}
              x/c: {labels: {pod: c, tier: db}, ports: [{port: 80}]}
            """);
        var policies = PoliciesFrom(Header + """
            metadata: {name: not-db, namespace: x}
            spec:
              podSelector:
                matchExpressions: [{key: tier, operator: NotIn, values: [db]}]
              policyTypes: [Ingress]
            """);

        AssertMatrix(new PolicyOracle(model, policies).Compute(Tcp80),
            "x/a: XX.",
            "x/b: XX.",
            "x/c: XX.");
    }

    [Fact]
    public void Compute_IpBlockWithExcept_AdmitsPodIpsInsideCidrButNotInExcept()
    {
        // Pod IPs (the lab's plan): a pods 198.19.1.x, b pods 198.19.2.x, c pods 198.19.3.x; x .2, y .3, z .4.
        var oracle = OracleFor(Header + """
            metadata: {name: cidr, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - ipBlock: {cidr: 198.19.0.0/16, except: [198.19.1.3/32, 198.19.2.3/32, 198.19.3.3/32, 198.19.3.4/30]}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: ... ... ...",
            "x/b: ... ... ...",
            "x/c: ... ... ...",
            "y/a: X.. ... ...",
            "y/b: X.. ... ...",
            "y/c: X.. ... ...",
            "z/a: ... ... ...",
            "z/b: ... ... ...",
            "z/c: X.. ... ...");
    }

    [Fact]
    public void Compute_EgressIpBlock_AllowsOnlyDestinationsInCidr()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: egress-cidr, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock: {cidr: 198.19.2.3/32}
            """);

        AssertMatrix(oracle.Compute(Udp80),
            "x/a: XXX X.X XXX",
            "x/b: ... ... ...",
            "x/c: ... ... ...",
            "y/a: ... ... ...",
            "y/b: ... ... ...",
            "y/c: ... ... ...",
            "z/a: ... ... ...",
            "z/b: ... ... ...",
            "z/c: ... ... ...");
    }

    [Fact]
    public void Compute_NumberedPortWithoutProtocol_AllowsOnlyThatPortOverTcp()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: port-80, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - ports: [{port: 80}]
            """);

        AssertMatrix(oracle.Compute(Tcp80), SameRows("... ... ..."));
        AssertMatrix(oracle.Compute(Tcp81), SameRows("X.. ... ..."));
        AssertMatrix(oracle.Compute(Udp80), SameRows("X.. ... ..."));
        AssertMatrix(oracle.Compute(Udp81), SameRows("X.. ... ..."));
    }

    [Fact]
    public void Compute_NamedPort_ResolvesAgainstDestinationContainerPortOfThatProtocol()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: named, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - ports: [{port: serve-81-udp, protocol: UDP}]
            """);

        AssertMatrix(oracle.Compute(Udp81), SameRows("... ... ..."));
        AssertMatrix(oracle.Compute(Tcp81), SameRows("X.. ... ..."));
        AssertMatrix(oracle.Compute(Udp80), SameRows("X.. ... ..."));
        AssertMatrix(oracle.Compute(Tcp80), SameRows("X.. ... ..."));
    }

    [Fact]
    public void Compute_NamedPortWithOtherProtocol_MatchesNothing()
    {
        // serve-81-udp is a UDP container port; the rule's protocol defaults to TCP, so nothing resolves.
        var oracle = OracleFor(Header + """
            metadata: {name: named-wrong-protocol, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - ports: [{port: serve-81-udp}]
            """);

        foreach (var probe in new[] { Tcp80, Tcp81, Udp80, Udp81 })
        {
            AssertMatrix(oracle.Compute(probe), SameRows("X.. ... ..."));
        }
    }

    [Fact]
    public void Compute_EgressNamedPort_ResolvesAgainstThePeerPod()
    {
        // Only y/b names its TCP 80 port "http"; egress to "http" reaches y/b only.
        var model = ModelFrom("""
            namespaces: {x: {}, y: {}}
            pods:
              x/a: {labels: {pod: a}, ports: [{name: web, port: 80, protocol: TCP}]}
              y/a: {labels: {pod: a}, ports: [{name: web, port: 80, protocol: TCP}]}
              y/b: {labels: {pod: b}, ports: [{name: http, port: 80, protocol: TCP}]}
            """);
        var policies = PoliciesFrom(Header + """
            metadata: {name: egress-named, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports: [{port: http}]
            """);

        AssertMatrix(new PolicyOracle(model, policies).Compute(new ProbeKey(80, NetpolProtocol.Tcp)),
            "x/a: X X.",
            "y/a: . ..",
            "y/b: . ..");
    }

    [Fact]
    public void Compute_EndPortRange_AllowsPortsFromPortToEndPortInclusive()
    {
        var model = ModelFrom("""
            namespaces: {x: {}}
            pods:
              x/a: {labels: {pod: a}, ports: [{port: 79}, {port: 80}, {port: 81}, {port: 82}]}
              x/b: {labels: {pod: b}, ports: [{port: 79}, {port: 80}, {port: 81}, {port: 82}]}
            """);
        var policies = PoliciesFrom(Header + """
            metadata: {name: range, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - ports: [{port: 80, endPort: 81, protocol: TCP}]
            """);
        var oracle = new PolicyOracle(model, policies);

        AssertMatrix(oracle.Compute(new ProbeKey(79, NetpolProtocol.Tcp)), "x/a: X.", "x/b: X.");
        AssertMatrix(oracle.Compute(new ProbeKey(80, NetpolProtocol.Tcp)), "x/a: ..", "x/b: ..");
        AssertMatrix(oracle.Compute(new ProbeKey(81, NetpolProtocol.Tcp)), "x/a: ..", "x/b: ..");
        AssertMatrix(oracle.Compute(new ProbeKey(82, NetpolProtocol.Tcp)), "x/a: X.", "x/b: X.");
    }

    [Fact]
    public void Compute_SctpPort_AllowsSctpButNotTcpOnTheSamePort()
    {
        var model = ModelFrom("""
            namespaces: {x: {}}
            pods:
              x/a: {labels: {pod: a}, ports: [{port: 80, protocol: TCP}, {port: 80, protocol: SCTP}]}
              x/b: {labels: {pod: b}, ports: [{port: 80, protocol: TCP}, {port: 80, protocol: SCTP}]}
            """);
        var policies = PoliciesFrom(Header + """
            metadata: {name: sctp, namespace: x}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: 80, protocol: SCTP}]
            """);
        var expected = new PolicyOracle(model, policies).ComputeAll();

        Assert.Equal([new ProbeKey(80, NetpolProtocol.Tcp), new ProbeKey(80, NetpolProtocol.Sctp)], expected.Tables.Select(t => t.Probe));
        AssertMatrix(expected.Tables[0], "x/a: XX", "x/b: XX");
        AssertMatrix(expected.Tables[1], "x/a: ..", "x/b: ..");
    }

    [Fact]
    public void Compute_ExplicitEgressPolicyTypeWithIngressRules_IgnoresIngressRulesAndDeniesEgress()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: egress-only, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Egress]
              ingress:
              - from:
                - podSelector: {matchLabels: {pod: b}}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: XXX XXX XXX",
            "x/b: ... ... ...",
            "x/c: ... ... ...",
            "y/a: ... ... ...",
            "y/b: ... ... ...",
            "y/c: ... ... ...",
            "z/a: ... ... ...",
            "z/b: ... ... ...",
            "z/c: ... ... ...");
    }

    [Fact]
    public void Compute_EgressRulesWithoutPolicyTypes_InfersIngressAndEgress()
    {
        // Defaulting: Ingress always, plus Egress because egress rules exist. So x/a sends only to
        // x/b, and (no ingress rules) receives from nobody.
        var oracle = OracleFor(Header + """
            metadata: {name: inferred, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              egress:
              - to:
                - podSelector: {matchLabels: {pod: b}}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: X.X XXX XXX",
            "x/b: X.. ... ...",
            "x/c: X.. ... ...",
            "y/a: X.. ... ...",
            "y/b: X.. ... ...",
            "y/c: X.. ... ...",
            "z/a: X.. ... ...",
            "z/b: X.. ... ...",
            "z/c: X.. ... ...");
    }

    [Fact]
    public void Compute_EmptyEgressListWithoutPolicyTypes_InfersIngressOnly()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: empty-egress, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              egress: []
            """);

        AssertMatrix(oracle.Compute(Tcp80), SameRows("X.. ... ..."));
    }

    [Fact]
    public void Compute_SeveralPoliciesSelectingOnePod_AllowTheUnionOfTheirRules()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: from-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from: [{podSelector: {matchLabels: {pod: b}}}]
            ---

            """ + Header + """
            metadata: {name: from-z, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
            ---

            """ + Header + """
            metadata: {name: deny-all, namespace: x}
            spec:
              podSelector: {}
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: XXX ... ...",
            "x/b: .XX ... ...",
            "x/c: XXX ... ...",
            "y/a: XXX ... ...",
            "y/b: XXX ... ...",
            "y/c: XXX ... ...",
            "z/a: .XX ... ...",
            "z/b: .XX ... ...",
            "z/c: .XX ... ...");
    }

    [Fact]
    public void Compute_EgressAllowsButIngressDenies_BlocksTheConnection()
    {
        // x/a may send only to y/b; y/b admits only x/b. So x/a -> y/b needs both and is blocked.
        var oracle = OracleFor(Header + """
            metadata: {name: a-to-y-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Egress]
              egress:
              - to: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}]
            ---

            """ + Header + """
            metadata: {name: b-from-x-b, namespace: y}
            spec:
              podSelector: {matchLabels: {pod: b}}
              policyTypes: [Ingress]
              ingress:
              - from: [{namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: b}}}]
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: XXX XXX XXX",
            "x/b: ... ... ...",
            "x/c: ... .X. ...",
            "y/a: ... .X. ...",
            "y/b: ... .X. ...",
            "y/c: ... .X. ...",
            "z/a: ... .X. ...",
            "z/b: ... .X. ...",
            "z/c: ... .X. ...");
    }

    [Fact]
    public void Compute_EgressAndIngressBothAllow_AllowsTheConnection()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: a-to-y-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Egress]
              egress:
              - to: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}]
            ---

            """ + Header + """
            metadata: {name: b-from-x-a, namespace: y}
            spec:
              podSelector: {matchLabels: {pod: b}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: a}}}]
            """);

        AssertMatrix(oracle.Compute(Tcp80),
            "x/a: XXX X.X XXX",
            "x/b: ... .X. ...",
            "x/c: ... .X. ...",
            "y/a: ... .X. ...",
            "y/b: ... .X. ...",
            "y/c: ... .X. ...",
            "z/a: ... .X. ...",
            "z/b: ... .X. ...",
            "z/c: ... .X. ...");
    }

    [Fact]
    public void Compute_RuleWithoutPeersOrPorts_AllowsEverythingIntoSelectedPods()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: deny, namespace: z}
            spec:
              podSelector: {}
            ---

            """ + Header + """
            metadata: {name: allow-all-to-c, namespace: z}
            spec:
              podSelector: {matchLabels: {pod: c}}
              ingress: [{}]
            """);

        AssertMatrix(oracle.Compute(Udp80), SameRows("... ... XX."));
    }

    [Fact]
    public void Compute_PolicyInNamespaceOutsideModel_ChangesNothing()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: deny, namespace: elsewhere}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            """);

        AssertMatrix(oracle.Compute(Tcp80), SameRows("... ... ..."));
    }

    [Fact]
    public void ComputeAll_SelfTrafficModes_ComputeTheDiagonalAndFlagWhetherItIsGraded()
    {
        var oracle = OracleFor(Header + """
            metadata: {name: deny, namespace: x}
            spec:
              podSelector: {}
            """);

        var ignored = oracle.ComputeAll();
        var graded = oracle.ComputeAll(SelfTrafficMode.Grade);

        Assert.False(ignored.Tables[0].IsAllowed(0, 0));
        Assert.False(graded.Tables[0].IsAllowed(0, 0));
        Assert.False(ignored.IsGraded(0, 0));
        Assert.True(ignored.IsGraded(0, 1));
        Assert.True(graded.IsGraded(0, 0));
    }
}
