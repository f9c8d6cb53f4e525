using CniBench.Kubernetes.Preflight;

namespace CniBench.Kubernetes.Tests.Preflight;

public sealed class NodeCheckTests
{
    [Fact]
    public async Task RunAsync_TaintedControlPlane_AgreesWithTheNodesTheProviderUses()
    {
        await using var harness = await ProviderHarness.StartAsync(nodes: 1);
        harness.Server.AddNode("control-plane");
        harness.Server.AddTaint("control-plane", "node-role.kubernetes.io/control-plane", "NoSchedule");
        var ct = TestContext.Current.CancellationToken;

        var doctor = await NodeCheck.RunAsync(harness.Server.Client(), ProviderHarness.Context, new RunNeeds(), ct);
        var run = await Assert.ThrowsAsync<KubeOperationException>(() => harness.Provider().CreateAsync(ProviderHarness.Request, null, ct));

        Assert.Equal(["node-1"], doctor.UsableNodes);
        Assert.Contains("has 1 Ready schedulable nodes of 2", run.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CordonedAndNoExecuteNodes_CarryNoWorkloads()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        server.AddNode("a");
        server.AddNode("b");
        server.Nodes[1].Spec = new k8s.Models.V1NodeSpec { Unschedulable = true };
        server.AddNode("c");
        server.AddTaint("c", "dedicated", "NoExecute", "gpu");
        server.AddNode("d");
        server.AddTaint("d", "soft", "PreferNoSchedule");

        var result = await NodeCheck.RunAsync(server.Client(), "fake", new RunNeeds(), TestContext.Current.CancellationToken);

        Assert.Equal(["a", "d"], result.UsableNodes);
        var details = result.Findings.ToDictionary(f => f.Check, f => f.Detail);
        Assert.StartsWith("no workloads: cordoned", details["b"], StringComparison.Ordinal);
        Assert.StartsWith("no workloads: tainted dedicated=gpu:NoExecute", details["c"], StringComparison.Ordinal);
    }
}
