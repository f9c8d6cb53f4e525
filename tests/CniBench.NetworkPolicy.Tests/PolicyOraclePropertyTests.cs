using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Policies;
using CsCheck;
using k8s;
using k8s.Models;
using static CniBench.NetworkPolicy.Tests.PolicyGenerators;

namespace CniBench.NetworkPolicy.Tests;

/// <summary>Laws of the NetworkPolicy spec that hold for any policy set, checked on random ones.</summary>
public sealed class PolicyOraclePropertyTests
{
    private const long Iterations = 300;
    private static readonly ClusterModel Model = DefaultModel.Create();

    [Fact]
    public void ComputeAll_EmptyPolicySetOnAnyModel_AllowsEverything()
    {
        var models = Gen.Select(Gen.Int[1, 4], Gen.Int[1, 5], Gen.Int[1, 3], (namespaces, pods, ports) =>
            DefaultModel.Create(
                Enumerable.Range(0, namespaces).Select(i => "ns" + i).ToArray(),
                Enumerable.Range(0, pods).Select(i => "p" + i).ToArray(),
                Enumerable.Range(80, ports).ToArray(),
                [NetpolProtocol.Tcp, NetpolProtocol.Udp, NetpolProtocol.Sctp]));

        models.Sample(model =>
        {
            var expected = new PolicyOracle(model, []).ComputeAll();
            Assert.Equal(model.Probes.Count, expected.Tables.Count);
            Assert.All(expected.Tables, t => Assert.Equal(model.Pods.Count * model.Pods.Count, t.AllowedCount));
        }, iter: 50);
    }

    [Fact]
    public void Compute_AddingARuleToAnExistingPolicy_NeverRemovesAConnection()
    {
        var cases = Gen.Select(Policy.List[1, 4], Gen.Int[0, 3], Gen.Bool, IngressRule, EgressRule);

        cases.Sample((policies, pick, toIngress, ingressRule, egressRule) =>
        {
            var target = policies[pick % policies.Count];

            // Fix the policy's types first: adding the first egress rule to a policy without policyTypes
            // would otherwise also turn on Egress isolation, which is a different change.
            target.Spec.PolicyTypes = EffectiveTypes(target).ToList();
            var before = new PolicyOracle(Model, policies).ComputeAll();
            if (toIngress)
            {
                target.Spec.Ingress = [.. target.Spec.Ingress ?? [], ingressRule];
            }
            else
            {
                target.Spec.Egress = [.. target.Spec.Egress ?? [], egressRule];
            }

            var after = new PolicyOracle(Model, policies).ComputeAll();
            foreach (var (b, a) in before.Tables.Zip(after.Tables))
            {
                ForEachCell(b, (s, d) => Assert.True(!b.IsAllowed(s, d) || a.IsAllowed(s, d), $"{b.PodIds[s]} -> {b.PodIds[d]} {b.Probe} was removed"));
            }
        }, iter: Iterations, print: t => Print(t.Item1));
    }

    [Fact]
    public void Compute_AddingAPolicy_ChangesOnlyTrafficIntoOrOutOfThePodsItSelects()
    {
        Gen.Select(PolicySet, Policy).Sample((policies, added) =>
        {
            var before = new PolicyOracle(Model, policies).ComputeAll();
            var after = new PolicyOracle(Model, [.. policies, added]).ComputeAll();
            var types = EffectiveTypes(added).ToHashSet(StringComparer.Ordinal);
            var selected = Model.Pods
                .Select(p => p.Namespace == added.Metadata.NamespaceProperty && LabelSelectorMatcher.Matches(added.Spec.PodSelector, p.Labels))
                .ToArray();
            foreach (var (b, a) in before.Tables.Zip(after.Tables))
            {
                ForEachCell(b, (s, d) =>
                {
                    if (b.IsAllowed(s, d) != a.IsAllowed(s, d))
                    {
                        Assert.True(
                            (types.Contains("Ingress") && selected[d]) || (types.Contains("Egress") && selected[s]),
                            $"{b.PodIds[s]} -> {b.PodIds[d]} {b.Probe} changed, but the policy selects neither side in a direction it has");
                    }
                });
            }
        }, iter: Iterations, print: t => Print([.. t.Item1, t.Item2]));
    }

    [Fact]
    public void Explain_AnyPolicySet_AgreesWithTheComputedTableOnEveryCell()
    {
        PolicySet.Sample(policies =>
        {
            var oracle = new PolicyOracle(Model, policies);
            foreach (var table in oracle.ComputeAll().Tables)
            {
                ForEachCell(table, (s, d) =>
                    Assert.Equal(table.IsAllowed(s, d), oracle.Explain(table.PodIds[s], table.PodIds[d], table.Probe).Allowed));
            }
        }, iter: 100, print: Print);
    }

    [Fact]
    public void LoadText_SerializedRandomPolicies_ValidateAndEvaluateTheSameAfterTheRoundTrip()
    {
        PolicySet.Sample(policies =>
        {
            for (var i = 0; i < policies.Count; i++)
            {
                policies[i].Metadata.Name = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var loaded = PolicyLoader.LoadText(KubernetesYaml.SerializeAll(policies), "random.yaml");

            Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
            var direct = new PolicyOracle(Model, policies).ComputeAll();
            var roundTripped = new PolicyOracle(Model, loaded.Policies.Select(p => p.Policy)).ComputeAll();
            foreach (var (a, b) in direct.Tables.Zip(roundTripped.Tables))
            {
                ForEachCell(a, (s, d) => Assert.Equal(a.IsAllowed(s, d), b.IsAllowed(s, d)));
            }
        }, iter: 100, print: Print);
    }

    /// <summary>policyTypes as the API server defaults them: Ingress always, Egress when egress rules exist.</summary>
    private static IEnumerable<string> EffectiveTypes(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes is { Count: > 0 } types ? types
        : policy.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];

    private static void ForEachCell(TruthTable table, Action<int, int> check)
    {
        for (var s = 0; s < table.PodIds.Count; s++)
        {
            for (var d = 0; d < table.PodIds.Count; d++)
            {
                check(s, d);
            }
        }
    }
}
