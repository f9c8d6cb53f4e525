using CniBench.Catalog;
using CniBench.Lab.Policy;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Policies;
using k8s.Models;

namespace CniBench.Lab.Tests.Policy;

/// <summary>The lab's model of each CNI enforces what the CNI documents: each gap with its one effect, checked through the oracle.</summary>
public sealed class DocumentedEnforcementTests
{
    private static readonly string Suite = Path.Combine(TestSupport.RepositoryRoot(), "manifests", "netpol");

    private static readonly ProbeKey Tcp80 = new(80, NetpolProtocol.Tcp);

    [Fact]
    public void Effective_WeaveNamedPortCase_PolicyIsNotAppliedSoTheDeniedCellsStayOpen()
    {
        var effective = DocumentedEnforcement.Effective(Case("19-named-port-ingress"), Support(PolicyFeature.NamedPorts));

        Assert.Empty(effective);
        Assert.True(new PolicyOracle(DefaultModel.Create(), effective).IsAllowed("y/a", "x/a", Tcp80));
    }

    [Fact]
    public void Effective_NoEndPortSupport_RuleCoversPortAlone()
    {
        // Case 22: pods of z reach TCP 75-80; without endPort only TCP 75, which no pod serves, so TCP 80 out of z is blocked.
        var effective = DocumentedEnforcement.Effective(Case("22-endport-tcp-egress"), Support(PolicyFeature.EndPort));

        Assert.All(effective.SelectMany(p => p.Spec.Egress).SelectMany(r => r.Ports ?? []), p => Assert.Null(p.EndPort));
        Assert.False(new PolicyOracle(DefaultModel.Create(), effective).IsAllowed("z/a", "x/a", Tcp80));
        Assert.True(new PolicyOracle(DefaultModel.Create(), Case("22-endport-tcp-egress")).IsAllowed("z/a", "x/a", Tcp80));
    }

    [Fact]
    public void Effective_IpBlockNeverMatchesPods_IsolatedPodAdmitsNoneOfTheBlocksPods()
    {
        // Case 15 on Cilium: x/a is isolated, and its only rule is an ipBlock, which never selects a Cilium-managed pod.
        var effective = DocumentedEnforcement.Effective(Case("15-ipblock-except-ingress"), Support(PolicyFeature.IpBlockPods));

        var oracle = new PolicyOracle(DefaultModel.Create(), effective);
        Assert.False(oracle.IsAllowed("x/b", "x/a", Tcp80));
        Assert.True(oracle.IsAllowed("x/b", "y/a", Tcp80));
    }

    [Fact]
    public void Effective_EgressOnlyIpBlockPolicyWithoutPolicyTypes_StaysAnEgressPolicy()
    {
        var policy = Case("16-ipblock-except-egress")[0];
        policy.Spec.PolicyTypes = null;

        var effective = DocumentedEnforcement.Effective([policy], Support(PolicyFeature.IpBlockPods));

        Assert.Equal(["Ingress", "Egress"], effective[0].Spec.PolicyTypes);
        Assert.Empty(effective[0].Spec.Egress);
    }

    [Fact]
    public void Effective_NoSctp_SctpRuleAllowsNothingYetStillIsolates()
    {
        var effective = DocumentedEnforcement.Effective(Case("24-sctp-only"), Support(PolicyFeature.Sctp));

        var oracle = new PolicyOracle(DefaultModel.Create(), effective);
        Assert.False(oracle.IsAllowed("x/a", "x/b", new ProbeKey(80, NetpolProtocol.Sctp)));
        Assert.False(oracle.IsAllowed("x/a", "x/b", Tcp80));
    }

    [Fact]
    public void Effective_NoGaps_ReturnsThePoliciesUnchanged()
    {
        var policies = Case("19-named-port-ingress");

        Assert.Same(policies, DocumentedEnforcement.Effective(policies, new PolicySupport(true, true)));
    }

    private static PolicySupport Support(PolicyFeature gap) => new(true, true) { Gaps = [new PolicyGap(gap, "test")] };

    /// <summary>A suite case with its placeholders resolved on the lab's plan, as the test kind hands it to the enforcer.</summary>
    private static IReadOnlyList<V1NetworkPolicy> Case(string name)
    {
        var loaded = PolicyLoader.LoadPath(Path.Combine(Suite, name + ".yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var resolution = IpBlockPlaceholders.Resolve([.. loaded.Policies.Select(p => p.Policy)], ReferencePlacement.Place(DefaultModel.Create()).Plan);
        Assert.True(resolution.Succeeded, string.Join("\n", resolution.Errors));
        return resolution.Policies;
    }
}
