using System.Net;
using CniBench.Core.Clusters;
using CniBench.Kubernetes.Services;

namespace CniBench.Kubernetes.Tests.Services;

public sealed class KubernetesServiceTests
{
    private const string RunNamespace = "cnibench-3fa2";

    private const string Label = "svc.cnibench.io/cnb-tcp";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExposeAsync_TcpAndUdpPorts_ClusterIpServiceSelectsOnlyTheBackend()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var backend = cluster.Nodes[1].Pods[0];

        await using var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201), ServicePort.Udp(5201)]), Ct);

        var service = Assert.Single(harness.Server.ServicesIn(RunNamespace));
        Assert.Equal("cnb-tcp", service.Metadata.Name);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal(new Dictionary<string, string> { [Label] = "backend" }, service.Spec.Selector);
        Assert.Equal([("TCP", 5201, "5201"), ("UDP", 5201, "5201")], service.Spec.Ports.Select(p => (p.Protocol, p.Port, p.TargetPort.Value)));
        Assert.Equal(ProviderHarness.RunId, service.Metadata.Labels[KubeLabels.Run]);
        Assert.Equal(IPAddress.Parse(service.Spec.ClusterIP), exposure.Address);
        Assert.Equal([backend.Name], LabelledPods(harness));
        Assert.Equal([backend], exposure.Backends);
    }

    [Fact]
    public async Task DisposeAsync_Exposure_DeletesServiceAndRemovesBackendLabel()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [cluster.Nodes[0].Pods[0]], [ServicePort.Tcp(5201)]), Ct);

        await exposure.DisposeAsync();

        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
        Assert.Contains(harness.Server.Requests, r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}/services/cnb-tcp", StringComparison.Ordinal));
        Assert.Empty(LabelledPods(harness));
        Assert.Contains(harness.Server.PodsIn(RunNamespace), p => p.Metadata.Name == "cnb-n1-p1");
    }

    [Fact]
    public async Task SetBackendsAsync_OtherPods_RelabelsAndWaitsForTheirEndpoints()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var (first, second, third) = (cluster.Nodes[0].Pods[0], cluster.Nodes[0].Pods[1], cluster.Nodes[1].Pods[0]);
        await using var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [first], [ServicePort.Tcp(5201)]), Ct);

        await exposure.SetBackendsAsync([second, third], Ct);

        Assert.Equal([second.Name, third.Name], LabelledPods(harness));
        Assert.Equal([second, third], exposure.Backends);
        var patches = harness.Server.Requests.Where(r => r.StartsWith($"PATCH /api/v1/namespaces/{RunNamespace}/pods/", StringComparison.Ordinal) && !r.Contains("fieldManager", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, patches.Count);

        // The old backend loses its label only after the new ones have theirs: the Service never has no backend.
        Assert.Contains("/pods/cnb-n1-p1", patches[^1], StringComparison.Ordinal);
        Assert.Contains(harness.Server.Requests, r => r.StartsWith($"GET /apis/discovery.k8s.io/v1/namespaces/{RunNamespace}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dcnb-tcp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExposeAsync_EndpointsNeverListBackend_TimesOutNamingItAndRemovesService()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.EndpointSlicesFollowPods = false;
        await using var cluster = await harness.Provider(o => o with { ServiceReadyTimeout = TimeSpan.FromMilliseconds(500) }).CreateAsync(ProviderHarness.Request, null, Ct);
        var backend = cluster.Nodes[0].Pods[0];

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201)]), Ct));

        Assert.Contains($"Service {RunNamespace}/cnb-tcp is not ready", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{backend.Name} {backend.Address}", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
        Assert.Empty(LabelledPods(harness));
    }

    [Fact]
    public async Task ExposeAsync_InvalidNameAndPort_RefusedWithEveryErrorAndNothingCreated()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var before = harness.Server.Requests.Count;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.ExposeAsync(new ServiceRequest("Cnb_TCP", [cluster.Nodes[0].Pods[0]], [new ServicePort("sctp", 5201)]), Ct));

        Assert.Contains("'Cnb_TCP' is not a valid Service name", error.Message, StringComparison.Ordinal);
        Assert.Contains("port 5201/sctp: protocol must be tcp or udp", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, harness.Server.Requests.Count);
    }

    private static List<string> LabelledPods(ProviderHarness harness) =>
        [.. harness.Server.PodsIn(RunNamespace).Where(p => p.Metadata.Labels?.ContainsKey(Label) == true).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)];
}
