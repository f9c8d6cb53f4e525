using System.Net;
using System.Net.Sockets;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Tests.Fakes;
using CniBench.Workloads.Iperf3;
using k8s.Models;

namespace CniBench.Kubernetes.Tests;

public sealed class KubernetesProviderTests
{
    private const string RunNamespace = "cnibench-3fa2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_FakeCluster_PodsReadyExecParsesIperf3AndDisposeDeletesNamespace()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "testassets", "iperf3", "tcp-1-stream.json"), Ct);
        harness.Server.Exec = argv => argv switch
        {
            ["cat", "/sys/class/net/eth0/mtu"] => new ExecReply("1450\n"),
            ["iperf3", "-s", ..] => new ExecReply("Server listening on 5201\n", Hold: true),
            ["iperf3", "-c", ..] => new ExecReply(json),
            _ => new ExecReply(Stderr: $"unscripted {string.Join(' ', argv)}", ExitCode: 127),
        };
        harness.Server.AddPod(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "kube-flannel-ds-abcde", NamespaceProperty = "kube-flannel" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "kube-flannel", Image = "ghcr.io/flannel-io/flannel:v0.27.4" }] },
        });

        var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);
        try
        {
            Assert.Equal(["node-1", "node-2"], cluster.Nodes.Select(n => n.Name));
            Assert.Equal(["cnb-n1-p1", "cnb-n1-p2"], cluster.Nodes[0].Pods.Select(p => p.Name));
            Assert.Equal(["cnb-n2-p1"], cluster.Nodes[1].Pods.Select(p => p.Name));
            Assert.All(cluster.Nodes.SelectMany(n => n.Pods), p => Assert.Equal(1450, p.Mtu));
            Assert.All(cluster.Nodes.SelectMany(n => n.Pods), p => Assert.NotEqual(IPAddress.None, p.Address));
            Assert.Equal("cnb-n1-host", cluster.Nodes[0].HostNetwork.Name);
            Assert.Equal("v1.31.0-fake", cluster.Facts["kubernetes.server_version"]);
            Assert.Equal("2", cluster.Facts["kubernetes.node_count"]);
            Assert.Equal("6.18.0-fake", cluster.Facts["node.node-1.kernel"]);
            Assert.Equal("ghcr.io/flannel-io/flannel:v0.27.4", cluster.Facts["cni.images"]);
            Assert.Contains(harness.Server.Requests, r => r.StartsWith($"PATCH /api/v1/namespaces/{RunNamespace}/pods/cnb-n1-p1?", StringComparison.Ordinal) && r.Contains("fieldManager=cnibench", StringComparison.Ordinal));

            var server = cluster.Nodes[1].Pods[0].Runner.Start(new ProcessSpec("iperf3", ["-s"]));
            await server.WaitForOutputAsync(line => line.Contains("listening", StringComparison.Ordinal), TimeSpan.FromSeconds(5), Ct);
            var client = await cluster.Nodes[0].Pods[0].Runner.RunAsync(new ProcessSpec("iperf3", ["-c", cluster.Nodes[1].Pods[0].Address.ToString(), "-J"]), Ct);
            await server.StopAsync();

            Assert.Equal(0, client.ExitCode);
            Assert.Equal(json, client.StandardOutput);
            Assert.IsType<Iperf3TcpResult>(Iperf3ResultParser.Parse(client.StandardOutput));
            Assert.Contains(harness.Server.Execs, argv => argv is ["kill", _]);
            Assert.Equal(143, (await server.Completion).ExitCode);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.DoesNotContain(RunNamespace, harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task CreateAsync_UnknownContext_ListsContextsThatExist()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var provider = harness.Provider(o => o with
        {
            Spec = o.Spec with { Clusters = new Dictionary<string, Core.Scenarios.KubernetesClusterSpec> { ["flannel"] = new() { Context = "kind-flannel" } } },
        });

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => provider.CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("no context 'kind-flannel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("contexts that exist: fake", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_NobodyListens_SaysTheApiServerIsUnreachable()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var port = LoopbackPorts.Free();
        var kubeconfig = harness.Server.WriteKubeconfig(Path.GetDirectoryName(harness.Kubeconfig)!, ProviderHarness.Context, port);
        var provider = harness.Provider(o => o with { Spec = o.Spec with { Kubeconfig = kubeconfig } });

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => provider.CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("cannot reach the API server of cluster 'fake'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "401 Unauthorized")]
    [InlineData(HttpStatusCode.Forbidden, "403 Forbidden")]
    [InlineData(HttpStatusCode.NotFound, "404 Not Found")]
    [InlineData(HttpStatusCode.Conflict, "409 Conflict")]
    [InlineData(HttpStatusCode.InternalServerError, "server error (500")]
    public async Task CreateAsync_ApiRefusesNamespace_MessageNamesClusterObjectAndCause(HttpStatusCode status, string cause)
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.Fault = (method, path) => method == "POST" && path == "/api/v1/namespaces" ? status : null;

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("cluster 'fake'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"creating namespace {RunNamespace}", error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        Assert.Contains("fake failure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ExpiredCredentialsOnFirstCall_SaysSoAndNamesNodes()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.Fault = (_, _) => HttpStatusCode.Unauthorized;

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("cluster 'fake' rejected the credentials (401 Unauthorized)", error.Message, StringComparison.Ordinal);
        Assert.Contains("listing nodes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_PodsNeverReady_TimeoutListsPhasesAndEventsAndRemovesNamespace()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.ReadyAfter = null;
        harness.Server.Events.Add(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "e1", NamespaceProperty = RunNamespace },
            InvolvedObject = new V1ObjectReference { Name = "cnb-n1-p1", Kind = "Pod" },
            Reason = "FailedCreatePodSandBox",
            Message = "network plugin is not ready: cni config uninitialized",
        });
        var provider = harness.Provider(o => o with { Spec = o.Spec with { ReadyTimeout = TimeSpan.FromMilliseconds(800) } });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => provider.CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains($"pods in namespace {RunNamespace} were not all Ready after 0.8 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("cnb-n1-p1 Pending", error.Message, StringComparison.Ordinal);
        Assert.Contains("FailedCreatePodSandBox network plugin is not ready", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RunNamespace, harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task CreateAsync_OneReadyNode_ExplainsWhatTheTestsNeedAndCreatesNothing()
    {
        await using var harness = await ProviderHarness.StartAsync(nodes: 1);
        harness.Server.AddNode("node-notready", ready: false);

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("has 1 Ready schedulable nodes of 2, but the tests need 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("cross-node needs 2 nodes", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task CreateAsync_CancelledWhileWaitingForPods_LeavesNoNamespace()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.ReadyAfter = null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new SyncProgress(message =>
        {
            if (message.Contains("waiting for", StringComparison.Ordinal))
            {
                cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Provider().CreateAsync(ProviderHarness.Request, progress, cancel.Token));

        Assert.DoesNotContain(RunNamespace, harness.Server.NamespaceNames());
        Assert.Contains(harness.Server.Requests, r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_NoClusterForCni_ListsTheScenarioClusters()
    {
        await using var harness = await ProviderHarness.StartAsync();

        var error = await Assert.ThrowsAsync<KubeOperationException>(
            () => harness.Provider().CreateAsync(ProviderHarness.Request with { Cni = "cilium" }, null, Ct));

        Assert.Contains("no entry for 'cilium'; it has: flannel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_NotDisposable_InstallerSeesNoPermissionUnlessAllowInstall()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var installer = new RecordingInstaller();
        Core.Scenarios.KubernetesSpec NotDisposable(Core.Scenarios.KubernetesSpec spec) =>
            spec with { Clusters = new Dictionary<string, Core.Scenarios.KubernetesClusterSpec> { ["flannel"] = new() { Context = ProviderHarness.Context, Disposable = false } } };

        await (await harness.Provider(o => o with { Installer = installer, Spec = NotDisposable(o.Spec) }).CreateAsync(ProviderHarness.Request, null, Ct)).DisposeAsync();
        await (await harness.Provider(o => o with { Installer = installer, AllowInstall = true, Spec = NotDisposable(o.Spec) }).CreateAsync(ProviderHarness.Request, null, Ct)).DisposeAsync();

        Assert.Equal([("flannel", false), ("flannel", true)], installer.Calls);
    }

    [Fact]
    public async Task CreateAsync_Variant_UsesTheVariantsClusterAndRecordsInstallerFacts()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var installer = new RecordingInstaller { Facts = new Dictionary<string, string> { ["encryption"] = "wireguard", ["encryption.verified"] = "yes: checked" } };
        var provider = harness.Provider(o => o with
        {
            Installer = installer,
            Spec = o.Spec with
            {
                Clusters = new Dictionary<string, Core.Scenarios.KubernetesClusterSpec>
                {
                    ["flannel"] = new() { Context = "elsewhere" },
                    ["flannel+wireguard"] = new() { Context = ProviderHarness.Context },
                },
            },
        });

        await using var cluster = await provider.CreateAsync(ProviderHarness.Request with { Variant = "wireguard" }, null, Ct);

        Assert.Equal([new Core.Clusters.ClusterId("flannel", "wireguard")], installer.Ids);
        Assert.Equal("flannel+wireguard", cluster.Cni);
        Assert.Equal("wireguard", cluster.Facts["encryption"]);
        Assert.Equal("yes: checked", cluster.Facts["encryption.verified"]);
        Assert.Equal("v1.31.0-fake", cluster.Facts["kubernetes.server_version"]);
    }

    [Fact]
    public async Task CreateAsync_VariantWithoutInstaller_RecordsThatItWasNotVerified()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var provider = harness.Provider(o => o with
        {
            Spec = o.Spec with { Clusters = new Dictionary<string, Core.Scenarios.KubernetesClusterSpec> { ["flannel+wireguard"] = new() { Context = ProviderHarness.Context } } },
        });

        await using var cluster = await provider.CreateAsync(ProviderHarness.Request with { Variant = "wireguard" }, null, Ct);

        Assert.Equal("wireguard", cluster.Facts["variant"]);
        Assert.StartsWith("no: ", cluster.Facts["variant.verified"], StringComparison.Ordinal);
    }


    private sealed class SyncProgress(Action<string> onReport) : IProgress<string>
    {
        public void Report(string value) => onReport(value);
    }

    private sealed class RecordingInstaller : ICniInstaller
    {
        public List<(string Cni, bool MayInstall)> Calls { get; } = [];

        public List<Core.Clusters.ClusterId> Ids { get; } = [];

        public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

        public Task<CniInstallResult> EnsureInstalledAsync(k8s.IKubernetes client, Core.Clusters.ClusterId id, Core.Scenarios.KubernetesClusterSpec cluster, CancellationToken cancellationToken)
        {
            Calls.Add((id.Cni, cluster.Disposable));
            Ids.Add(id);
            return Task.FromResult(new CniInstallResult(Facts));
        }
    }
}
