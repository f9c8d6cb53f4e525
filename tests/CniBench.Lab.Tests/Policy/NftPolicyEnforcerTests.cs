using CniBench.Catalog;
using CniBench.Core.Processes;
using CniBench.Lab.Policy;

namespace CniBench.Lab.Tests.Policy;

public sealed class NftPolicyEnforcerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly ProcessResult Ok = new(0, "", "", TimeSpan.Zero);

    [Fact]
    public async Task ApplyAsync_TwoNodes_OneNftTransactionPerNodeNamespaceWithItsScript()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var enforcer = new NftPolicyEnforcer(PolicyTestModel.Model, PolicyTestModel.Placements, new PolicySupport(true, true), runner);
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec: {podSelector: {}}
            """);
        var expected = NftPolicyCompiler.Compile(PolicyTestModel.Model, PolicyTestModel.Placements, policies, new PolicySupport(true, true));

        await enforcer.ApplyAsync(policies, Token);

        // One nft transaction per node, then one conntrack flush per node.
        Assert.Equal(4, runner.Calls.Count);
        foreach (var script in expected)
        {
            Assert.Single(runner.Calls, c => c.Arguments.SequenceEqual(["netns", "exec", script.NodeNamespace, "conntrack", "-F"]));
            var call = Assert.Single(runner.Calls, c => c.Arguments[2] == script.NodeNamespace && c.Arguments[3] == "nft");
            Assert.Equal("ip", call.Program);
            Assert.Equal(["netns", "exec", script.NodeNamespace, "nft", "-f", "-"], call.Arguments);
            Assert.Equal(script.Text, call.StandardInput);
        }
    }

    [Fact]
    public async Task ClearAsync_Enforcing_DeletesTheTableInEveryNodeNamespace()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var enforcer = new NftPolicyEnforcer(PolicyTestModel.Model, PolicyTestModel.Placements, new PolicySupport(true, true), runner);

        await enforcer.ClearAsync(Token);

        var nft = runner.Calls.Where(c => c.Arguments[3] == "nft").ToList();
        Assert.Equal([PolicyTestModel.Node1, PolicyTestModel.Node2], nft.Select(c => c.Arguments[2]).Order(StringComparer.Ordinal));
        Assert.All(nft, c => Assert.Equal("table inet cnibench_policy\ndelete table inet cnibench_policy\n", c.StandardInput));
        Assert.Equal(2, runner.Calls.Count(c => c.Arguments[3] == "conntrack"));
    }

    [Fact]
    public async Task ApplyAndClear_NothingEnforced_RunNothing()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var enforcer = new NftPolicyEnforcer(PolicyTestModel.Model, PolicyTestModel.Placements, new PolicySupport(false, false), runner);
        var policies = PolicyTestModel.Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
            """);

        await enforcer.ApplyAsync(policies, Token);
        await enforcer.ClearAsync(Token);

        Assert.Empty(runner.Calls);
        Assert.False(enforcer.EnforcesIngress);
        Assert.False(enforcer.EnforcesEgress);
    }

    [Fact]
    public async Task ApplyAsync_NftFailsOnOneNode_ThrowsNamingTheNodeAndNftsMessage()
    {
        var runner = new FakeProcessRunner(spec => spec.Arguments[2] == PolicyTestModel.Node2
            ? new ProcessResult(1, "", "/dev/stdin:5:1-4: Error: syntax error\n", TimeSpan.Zero)
            : Ok);
        var enforcer = new NftPolicyEnforcer(PolicyTestModel.Model, PolicyTestModel.Placements, new PolicySupport(true, true), runner);

        var error = await Assert.ThrowsAsync<LabCommandException>(() => enforcer.ApplyAsync([], Token));

        Assert.Equal($"nft -f - in {PolicyTestModel.Node2} exited with code 1: /dev/stdin:5:1-4: Error: syntax error", error.Message);
    }

    [Fact]
    public void Constructor_PodWithoutPlacement_ThrowsBeforeAnythingRuns()
    {
        var runner = new FakeProcessRunner(_ => Ok);

        var error = Assert.Throws<PolicyCompileException>(() =>
            new NftPolicyEnforcer(PolicyTestModel.Model, PolicyTestModel.Placements.Take(3).ToList(), new PolicySupport(true, true), runner));

        Assert.Equal(["pod y/b (198.19.2.3) has no placement: its traffic could not be policed"], error.Errors);
        Assert.Empty(runner.Calls);
    }
}
