using System.Text.Json;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Output;
using CniBench.NetworkPolicy.Policies;
using static CniBench.NetworkPolicy.Tests.Fixtures;

namespace CniBench.NetworkPolicy.Tests;

public sealed class OutputTests
{
    private static ExpectedConnectivity DenyAllIngressX(SelfTrafficMode mode = SelfTrafficMode.Ignore)
    {
        var loaded = PolicyLoader.LoadPath(RepoPaths.TestAsset("deny-all-ingress-x", "policy.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return new PolicyOracle(DefaultModel.Create(), loaded.Policies.Select(p => p.Policy)).ComputeAll(mode);
    }

    [Fact]
    public void WriteTable_DenyAllIngressInX_MatchesTheHandWrittenUpstreamLayout()
    {
        using var output = new StringWriter { NewLine = "\n" };

        TruthTableWriter.WriteTable(DenyAllIngressX(), output);

        Assert.Equal(File.ReadAllText(RepoPaths.TestAsset("deny-all-ingress-x", "expected.txt")), output.ToString());
    }

    [Fact]
    public void ToJson_DenyAllIngressInX_HasExactlyTheProbesPortProtocolMatrixShape()
    {
        var json = TruthTableWriter.ToJson(DenyAllIngressX());

        Assert.StartsWith(
            """{"probes":[{"port":80,"protocol":"TCP","matrix":{"x/a":{"x/a":false,"x/b":false,"x/c":false,"y/a":true,""",
            json,
            StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["probes"], root.EnumerateObject().Select(p => p.Name));
        var probes = root.GetProperty("probes").EnumerateArray().ToArray();
        Assert.Equal(["80/TCP", "80/UDP", "80/SCTP", "81/TCP", "81/UDP"],
            probes.Select(p => $"{p.GetProperty("port").GetInt32()}/{p.GetProperty("protocol").GetString()}"));
        foreach (var probe in probes)
        {
            Assert.Equal(["port", "protocol", "matrix"], probe.EnumerateObject().Select(p => p.Name));
            var matrix = probe.GetProperty("matrix");
            Assert.Equal(9, matrix.EnumerateObject().Count());
            foreach (var row in matrix.EnumerateObject())
            {
                foreach (var cell in row.Value.EnumerateObject())
                {
                    Assert.Equal(!cell.Name.StartsWith("x/", StringComparison.Ordinal), cell.Value.GetBoolean());
                }
            }
        }
    }

    [Fact]
    public void WriteTable_SelfTrafficGrade_SaysTheDiagonalIsGraded()
    {
        using var output = new StringWriter();

        TruthTableWriter.WriteTable(DenyAllIngressX(SelfTrafficMode.Grade), output);

        Assert.Contains("is graded (--self-traffic grade)", output.ToString(), StringComparison.Ordinal);
    }
}

public sealed class ExplanationTests
{
    private const string UnionPolicies = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: from-b, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from: [{podSelector: {matchLabels: {pod: b}}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: from-z-on-81, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from: [{namespaceSelector: {matchLabels: {ns: y}}}, {namespaceSelector: {matchLabels: {ns: z}}}]
            ports: [{port: 81}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-only, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress: [{}]
        """;

    [Fact]
    public void Explain_AllowedByOneOfSeveralPolicies_NamesThePolicyRulePeerAndPort()
    {
        var explanation = OracleFor(UnionPolicies).Explain("z/b", "x/a", Tcp81);

        Assert.True(explanation.Allowed);
        Assert.False(explanation.Egress.IsIsolated);
        Assert.Equal(["x/from-b", "x/from-z-on-81"], explanation.Ingress.IsolatingPolicies);
        Assert.Equal(["x/egress-only (Egress)"], explanation.Ingress.OtherSelectingPolicies);
        var allowing = Assert.Single(explanation.Ingress.Rules, r => r.Allows);
        Assert.Equal(("x/from-z-on-81", "ingress[0]", "ingress[0].from[1]", "ingress[0].ports[0]"),
            (allowing.Policy, allowing.Rule, allowing.MatchedPeer, allowing.MatchedPort));
    }

    [Fact]
    public void Explain_PeerMatchesButPortDoesNot_IsBlockedAndSaysWhy()
    {
        var oracle = OracleFor(UnionPolicies);

        var explanation = oracle.Explain("z/b", "x/a", Tcp80);
        using var text = new StringWriter();
        ExplanationWriter.Write(explanation, text);

        Assert.False(explanation.Allowed);
        Assert.DoesNotContain(explanation.Ingress.Rules, r => r.Allows);
        var rule = explanation.Ingress.Rules.Single(r => r.Policy == "x/from-z-on-81");
        Assert.Equal("ingress[0].from[1]", rule.MatchedPeer);
        Assert.Null(rule.MatchedPort);
        Assert.Contains("z/b -> x/a 80/TCP: BLOCKED", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("peer ingress[0].from[1] matches but no port matches", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("=> no ingress rule allows it", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("x/egress-only (Egress)", oracle.PoliciesSelecting("x/a"));
    }

    [Fact]
    public void Explain_PolicyWithoutRules_SaysItDeniesAll()
    {
        var oracle = OracleFor("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: y}
            spec: {podSelector: {}}
            """);

        var explanation = oracle.Explain("y/a", "y/a", Udp80);
        using var text = new StringWriter();
        ExplanationWriter.Write(explanation, text);

        Assert.False(explanation.Allowed);
        Assert.True(explanation.IsSelfTraffic);
        Assert.False(explanation.IsGraded);
        Assert.Contains("y/deny: no ingress rules (denies all ingress)", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("not graded", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_UnknownPod_Throws()
    {
        Assert.Throws<ArgumentException>(() => OracleFor(UnionPolicies).Explain("x/q", "x/a", Tcp80));
    }
}

public sealed class ExampleManifestTests
{
    private static PolicyOracle OracleForManifest(string name)
    {
        var loaded = PolicyLoader.LoadPath(Path.Combine(RepoPaths.Root, "manifests", "netpol", name));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return new PolicyOracle(DefaultModel.Create(), loaded.Policies.Select(p => p.Policy));
    }

    [Fact]
    public void LoadPath_ManifestsFolder_EveryExampleIsAValidNetworkPolicy()
    {
        var loaded = PolicyLoader.LoadPath(Path.Combine(RepoPaths.Root, "manifests", "netpol"));

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Contains("x/deny-all-ingress", loaded.Policies.Select(p => p.Id));
    }

    [Fact]
    public void Compute_DenyAllEgressManifest_BlocksEveryConnectionOutOfX()
    {
        var oracle = OracleForManifest("02-deny-all-egress.yaml");

        AssertMatrix(oracle.Compute(Tcp81),
            "x/a: XXX XXX XXX",
            "x/b: XXX XXX XXX",
            "x/c: XXX XXX XXX",
            "y/a: ... ... ...",
            "y/b: ... ... ...",
            "y/c: ... ... ...",
            "z/a: ... ... ...",
            "z/b: ... ... ...",
            "z/c: ... ... ...");
    }

    [Fact]
    public void Compute_PortRangeManifest_AdmitsUdpRangeOnly()
    {
        var oracle = OracleForManifest("21-endport-udp-range.yaml");

        AssertMatrix(oracle.Compute(Udp80), SameRows("... ... ..."));
        AssertMatrix(oracle.Compute(Udp81), SameRows("... ... ..."));
        AssertMatrix(oracle.Compute(Tcp80), SameRows("X.. ... ..."));
        AssertMatrix(oracle.Compute(Tcp81), SameRows("X.. ... ..."));
    }
}

public sealed class NetpolInputsTests
{
    [Fact]
    public void Load_UserModelAndPolicy_EvaluatesNamedPortAgainstTheModelsPorts()
    {
        var result = NetpolInputs.Load(RepoPaths.TestAsset("backend-from-web.yaml"), RepoPaths.TestAsset("model-two-namespaces.yaml"));

        Assert.Empty(result.Errors);
        var expected = result.Inputs!.CreateOracle().ComputeAll();
        Assert.Equal(["80/TCP", "80/SCTP", "5432/TCP"], expected.Tables.Select(t => t.Probe.ToString()));

        // backend/db admits only frontend/web, only on its port named sql (TCP 5432).
        AssertMatrix(expected.Tables[0], "frontend/web: .X.", "backend/db: .X.", "backend/cache: .X.");
        AssertMatrix(expected.Tables[1], "frontend/web: .X.", "backend/db: .X.", "backend/cache: .X.");
        AssertMatrix(expected.Tables[2], "frontend/web: ...", "backend/db: .X.", "backend/cache: .X.");
    }

    [Fact]
    public void Load_BadPolicyAndBadModel_ReportsErrorsFromBothFiles()
    {
        var policies = RepoPaths.TestAsset("invalid", "not-a-policy.yaml");
        var model = RepoPaths.TestAsset("deny-all-ingress-x", "policy.yaml");

        var result = NetpolInputs.Load(policies, model);

        Assert.Null(result.Inputs);
        Assert.Contains(result.Errors, e => e.File == policies && e.Field == "kind");
        Assert.Contains(result.Errors, e => e.File == model && e.Field == "pods");
    }
}
