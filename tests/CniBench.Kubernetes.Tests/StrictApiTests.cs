using System.Net;
using CniBench.Core.Clusters;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CniBench.Kubernetes.Tests;

/// <summary>
/// The fake API server refuses what the real one refuses (field-manager conflicts, pod spec changes, content in a
/// Terminating namespace), and the provider copes with each.
/// </summary>
public sealed class StrictApiTests
{
    private const string RunNamespace = "cnibench-3fa2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Apply_FieldOwnedByAnotherManager_ConflictUnlessForcedAndTheProviderForces()
    {
        await using var harness = await ProviderHarness.StartAsync();
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        harness.Server.AddNamespace("web");
        var client = connection.Client;
        await client.CoreV1.PatchNamespacedServiceAsync(Apply(Service(8080)), "web", "web", fieldManager: "kubectl", cancellationToken: Ct);

        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.PatchNamespacedServiceAsync(Apply(Service(9090)), "web", "web", fieldManager: "helm", cancellationToken: Ct));
        await ServerSideApply.ApplyAsync(client, "fake", Service(9090), "web", Ct);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Contains("Apply failed with 1 conflict", conflict.Response.Content, StringComparison.Ordinal);
        Assert.Contains("kubectl", conflict.Response.Content, StringComparison.Ordinal);
        Assert.Contains(".spec.ports[0].port", conflict.Response.Content, StringComparison.Ordinal);
        Assert.Equal(KubeLabels.FieldManager, harness.Server.FieldManagers("/api/v1/namespaces/web/services/web")[".spec.ports[0].port"]);
    }

    [Fact]
    public async Task Apply_PodSpecChanged_RefusedWith422ThatTheProviderReports()
    {
        await using var harness = await ProviderHarness.StartAsync();
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        harness.Server.AddNamespace("web");
        await ServerSideApply.ApplyAsync(connection.Client, "fake", Pod(["sleep", "infinity"], "img:1"), "web", Ct);

        await ServerSideApply.ApplyAsync(connection.Client, "fake", Pod(["sleep", "infinity"], "img:2"), "web", Ct);
        var error = await Assert.ThrowsAsync<KubeOperationException>(() => ServerSideApply.ApplyAsync(connection.Client, "fake", Pod(["iperf3", "-s"], "img:2"), "web", Ct));

        Assert.Contains("pod updates may not change fields other than", error.Message, StringComparison.Ordinal);
        Assert.Contains("applying Pod web/p", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_RunNamespaceStillTerminating_WaitsForItThenCreatesItAfresh()
    {
        // A resumed run finds its namespace from the first attempt still being deleted. Before, creating it failed
        // with 409 AlreadyExists (and applying into it would have met 403).
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.NamespaceDeletionDelay = TimeSpan.FromMilliseconds(700);
        // Before, the Terminating check below raced the delay and failed on a loaded host (seen in the suite with
        // parallel builds): with a 1 ms delay it failed every time; now it holds until the provider has seen it.
        harness.Server.NamespaceDeletionAwaitsARead = true;
        harness.Server.AddNamespace(RunNamespace);
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        await connection.Client.CoreV1.DeleteNamespaceAsync(RunNamespace, cancellationToken: Ct);
        Assert.True(harness.Server.IsTerminating(RunNamespace));
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            connection.Client.CoreV1.PatchNamespacedPodAsync(Apply(Pod(["sleep", "1"], "img:1")), "p", RunNamespace, fieldManager: "cnibench", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Contains("because it is being terminated", refused.Response.Content, StringComparison.Ordinal);

        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);

        Assert.False(harness.Server.IsTerminating(RunNamespace));
        Assert.Contains(RunNamespace, harness.Server.NamespaceNames());
        Assert.Contains(harness.Server.PodsIn(RunNamespace), p => p.Metadata.Name == "cnb-n1-p1");
        Assert.Equal(2, cluster.Nodes.Count);
    }

    private static V1Patch Apply(object body) => new(body, V1Patch.PatchType.ApplyPatch);

    private static V1Service Service(int port) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "web" },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = port }] },
    };

    private static V1Pod Pod(IList<string> command, string image) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "web" },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image, Command = command }] },
    };
}
