using System.Net;
using CniBench.Core.Clusters;
using CniBench.Kubernetes.Services;

namespace CniBench.Kubernetes.Tests.Services;

public sealed class KubernetesServiceTests
{
    private const string RunNamespace = "cnibench-3fa2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExposeAsync_TcpAndUdpPorts_ClusterIpServiceSelectsOnlyTheBackend()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var backend = cluster.Nodes[1].Pods[0];

        await using var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201), ServicePort.Udp(5201)]) { UniqueName = true }, Ct);

        var service = Assert.Single(harness.Server.ServicesIn(RunNamespace));
        Assert.Matches("^cnb-tcp-[0-9a-f]{6}$", service.Metadata.Name);
        Assert.Equal(service.Metadata.Name, ((KubernetesServiceExposure)exposure).Name);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal(new Dictionary<string, string> { [Label(exposure)] = "backend" }, service.Spec.Selector);
        Assert.Equal([("TCP", 5201, "5201"), ("UDP", 5201, "5201")], service.Spec.Ports.Select(p => (p.Protocol, p.Port, p.TargetPort.Value)));
        Assert.Equal(ProviderHarness.RunId, service.Metadata.Labels[KubeLabels.Run]);
        Assert.Equal(IPAddress.Parse(service.Spec.ClusterIP), exposure.Address);
        Assert.Equal([backend.Name], LabelledPods(harness, exposure));
        Assert.Equal([backend], exposure.Backends);
    }

    [Fact]
    public async Task DisposeAsync_Exposure_DeletesServiceAndRemovesBackendLabel()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [cluster.Nodes[0].Pods[0]], [ServicePort.Tcp(5201)]) { UniqueName = true }, Ct);

        await exposure.DisposeAsync();

        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
        Assert.Contains(harness.Server.Requests, r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}/services/{Name(exposure)}", StringComparison.Ordinal));
        Assert.Empty(LabelledPods(harness, exposure));
        Assert.Contains(harness.Server.PodsIn(RunNamespace), p => p.Metadata.Name == "cnb-n1-p1");
    }

    [Fact]
    public async Task SetBackendsAsync_OtherPods_RelabelsAndWaitsForTheirEndpoints()
    {
        await using var harness = await ProviderHarness.StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var (first, second, third) = (cluster.Nodes[0].Pods[0], cluster.Nodes[0].Pods[1], cluster.Nodes[1].Pods[0]);
        await using var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [first], [ServicePort.Tcp(5201)]) { UniqueName = true }, Ct);

        await exposure.SetBackendsAsync([second, third], Ct);

        Assert.Equal([second.Name, third.Name], LabelledPods(harness, exposure));
        Assert.Equal([second, third], exposure.Backends);
        var patches = harness.Server.Requests.Where(r => r.StartsWith($"PATCH /api/v1/namespaces/{RunNamespace}/pods/", StringComparison.Ordinal) && !r.Contains("fieldManager", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, patches.Count);

        // The old backend loses its label only after the new ones have theirs: the Service never has no backend.
        Assert.Contains("/pods/cnb-n1-p1", patches[^1], StringComparison.Ordinal);
        Assert.Contains(harness.Server.Requests, r => r.StartsWith($"GET /apis/discovery.k8s.io/v1/namespaces/{RunNamespace}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D{Name(exposure)}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExposeAsync_EndpointsNeverListBackend_TimesOutNamingItAndRemovesService()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.EndpointSlicesFollowPods = false;
        await using var cluster = await harness.Provider(o => o with { ServiceReadyTimeout = TimeSpan.FromMilliseconds(500) }).CreateAsync(ProviderHarness.Request, null, Ct);
        var backend = cluster.Nodes[0].Pods[0];

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201)]) { UniqueName = true }, Ct));

        Assert.Matches($"Service {RunNamespace}/cnb-tcp-[0-9a-f]{{6}} is not ready", error.Message);
        Assert.Contains($"{backend.Name} {backend.Address}", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
        Assert.DoesNotContain(harness.Server.PodsIn(RunNamespace), p => p.Metadata.Labels?.Keys.Any(k => k.StartsWith(KubernetesServiceExposure.LabelPrefix, StringComparison.Ordinal)) == true);
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

    [Fact]
    public async Task ExposeAsync_SameTestAgainWhileOldSliceLingers_WaitsForItsOwnSlice()
    {
        // The first Service's slice outlives it (garbage collection lags) and the EndpointSlice controller then
        // stalls: the second measurement's Service must not count the first one's slice as its own. With the
        // reused name cnb-tcp and a label match, it did, and the measurement started on a Service with no endpoints.
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.SlicesOfDeletedServicesLinger = true;
        await using var cluster = await harness.Provider(o => o with { ServiceReadyTimeout = TimeSpan.FromMilliseconds(600) }).CreateAsync(ProviderHarness.Request, null, Ct);
        var backend = cluster.Nodes[1].Pods[0];
        var request = new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201)]) { UniqueName = true };
        var first = await cluster.ExposeAsync(request, Ct);
        await first.DisposeAsync();
        harness.Server.EndpointSlicesFollowPods = false;

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => cluster.ExposeAsync(request, Ct));

        Assert.Contains("is not ready", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnedBy_SliceOfAnotherServiceWithTheSameLabel_Ignored()
    {
        static k8s.Models.V1EndpointSlice Slice(string? ownerUid) => new()
        {
            AddressType = "IPv4",
            Metadata = new k8s.Models.V1ObjectMeta
            {
                Name = "s-" + (ownerUid ?? "none"),
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "cnb-tcp" },
                OwnerReferences = ownerUid is null ? null : [new k8s.Models.V1OwnerReference { ApiVersion = "v1", Kind = "Service", Name = "cnb-tcp", Uid = ownerUid }],
            },
            Endpoints = [],
        };

        var owned = KubernetesServiceExposure.OwnedBy([Slice("old-uid"), Slice(null), Slice("new-uid")], "new-uid");

        Assert.Equal(["s-new-uid"], owned.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task ExposeAsync_ClientReachesClusterIpOnlyLater_ProbesFromClientUntilConnectedAndRecordsWait()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var probes = 0;
        harness.Server.Exec = argv => argv is ["timeout", _, "bash", "-c", var script] && script.StartsWith("exec 3<>/dev/tcp/198.18.128.", StringComparison.Ordinal)
            ? (Interlocked.Increment(ref probes) < 3 ? new ExecReply(Stderr: "Connection refused", ExitCode: 1) : new ExecReply())
            : new ExecReply();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        var (client, backend) = (cluster.Nodes[0].Pods[0], cluster.Nodes[1].Pods[0]);

        await using var exposure = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201)]) { Client = client, UniqueName = true }, Ct);

        Assert.Equal(3, probes);
        Assert.NotNull(exposure.ReadyWait);
        var service = Assert.Single(harness.Server.ServicesIn(RunNamespace));
        Assert.Contains(service.Spec.Ports, p => p.Name == KubernetesServiceExposure.ReadinessPortName && p.Port == KubernetesServiceExposure.ReadinessPort);
        Assert.Contains(harness.Server.Execs, argv => argv.TakeLast(4).SequenceEqual(["iperf3", "-s", "-p", "18099"]));
        Assert.Contains(harness.Server.Execs, argv => argv.Contains($"exec 3<>/dev/tcp/{exposure.Address}/18099"));
    }

    [Fact]
    public async Task ExposeAsync_ClientNeverReachesClusterIp_FailsNamingTheNodeAndRemovesService()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.Exec = argv => argv is ["timeout", ..] ? new ExecReply(Stderr: "Connection timed out", ExitCode: 124) : new ExecReply();
        await using var cluster = await harness.Provider(o => o with { ServiceReadyTimeout = TimeSpan.FromMilliseconds(600) }).CreateAsync(ProviderHarness.Request, null, Ct);
        var (client, backend) = (cluster.Nodes[0].Pods[0], cluster.Nodes[1].Pods[0]);

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [backend], [ServicePort.Tcp(5201)]) { Client = client, UniqueName = true }, Ct));

        Assert.Contains($"pod {client.Name} could not reach Service", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit 124 Connection timed out", error.Message, StringComparison.Ordinal);
        Assert.Contains($"node {client.NodeName}", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
    }

    private static string Name(IServiceExposure exposure) => ((KubernetesServiceExposure)exposure).Name;

    private static string Label(IServiceExposure exposure) => ((KubernetesServiceExposure)exposure).SelectorLabel;

    private static List<string> LabelledPods(ProviderHarness harness, IServiceExposure exposure) =>
        [.. harness.Server.PodsIn(RunNamespace).Where(p => p.Metadata.Labels?.ContainsKey(Label(exposure)) == true).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)];
}
