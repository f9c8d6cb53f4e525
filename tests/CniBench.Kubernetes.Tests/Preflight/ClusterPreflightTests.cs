using CniBench.Kubernetes.Preflight;

namespace CniBench.Kubernetes.Tests.Preflight;

public sealed class ClusterPreflightTests
{
    [Fact]
    public async Task RunAsync_HealthyCluster_PassesWithEveryCheckOk()
    {
        await using var harness = await PreflightHarness.StartAsync();

        var report = await harness.RunAsync();

        Assert.True(report.Passed, string.Join("\n", report.Problems));
        Assert.Contains(report.Findings, f => f is { Area: "api", Level: FindingLevel.Ok } && f.Detail.Contains("v1.31.0-fake", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f is { Area: "cni", Check: "flannel", Level: FindingLevel.Ok });
        Assert.Contains(report.Findings, f => f is { Area: "node", Check: "workload nodes", Level: FindingLevel.Ok });
        Assert.Equal(2, report.Findings.Count(f => f is { Area: "image", Level: FindingLevel.Ok } && f.Detail == "pulled on node-1"));
        Assert.Empty(harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task RunAsync_HealthyCluster_AsksForEveryPermissionOfARunWithoutIngress()
    {
        await using var harness = await PreflightHarness.StartAsync();

        var report = await harness.RunAsync();

        var asked = harness.Server.AccessReviews.ToList();
        Assert.Contains(asked, a => a.StartsWith("create pods/exec cnibench-", StringComparison.Ordinal));
        Assert.Contains(asked, a => a.StartsWith("get pods/exec cnibench-", StringComparison.Ordinal));
        Assert.Contains("get nodes/proxy", asked);
        Assert.Contains("list daemonsets kube-flannel", asked);
        Assert.Contains("list daemonsets calico-system", asked);
        Assert.Equal(["get daemonsets kube-flannel"], asked.Where(a => a.StartsWith("get daemonsets", StringComparison.Ordinal)));
        Assert.Contains(asked, a => a.StartsWith("patch networkpolicies ", StringComparison.Ordinal));
        Assert.DoesNotContain(asked, a => a.Contains("ingresses", StringComparison.Ordinal) || a.Contains("customresourcedefinitions", StringComparison.Ordinal));
        Assert.Equal(asked.Count, report.Findings.Count(f => f.Area == PermissionCheck.Area));
    }

    [Fact]
    public async Task RunAsync_ExecDenied_ListsItAsAProblemWithTheGrantToAdd()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.Deny("create", "pods/exec");

        var report = await harness.RunAsync();

        Assert.False(report.Passed);
        var denied = Assert.Single(report.Problems);
        Assert.Equal(PermissionCheck.Area, denied.Area);
        Assert.StartsWith("create pods/exec in cnibench-", denied.Check, StringComparison.Ordinal);
        Assert.StartsWith("denied", denied.Detail, StringComparison.Ordinal);
        Assert.Contains("ClusterRoleBinding", denied.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NodeProxyDenied_WarnsThatNodeCpuIsUnsupportedButPasses()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.Deny("get", "nodes/proxy");

        var report = await harness.RunAsync();

        Assert.True(report.Passed);
        var warning = Assert.Single(report.Findings, f => f.Level == FindingLevel.Warning);
        Assert.Equal("get nodes/proxy", warning.Check);
        Assert.Contains("unsupported", warning.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NotReadyAndTaintedNodes_ReportsEachAndTooFewWorkloadNodes()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.Nodes.Clear();
        harness.Server.AddNode("control-plane");
        harness.Server.AddTaint("control-plane", "node-role.kubernetes.io/control-plane", "NoSchedule");
        harness.Server.AddNode("worker-1");
        harness.Server.AddNode("worker-2", ready: false);

        var report = await harness.RunAsync();

        var nodes = report.Findings.Where(f => f.Area == NodeCheck.Area).ToDictionary(f => f.Check);
        Assert.Equal(FindingLevel.Info, nodes["control-plane"].Level);
        Assert.Contains("no workloads: tainted node-role.kubernetes.io/control-plane:NoSchedule", nodes["control-plane"].Detail, StringComparison.Ordinal);
        Assert.Equal(FindingLevel.Ok, nodes["worker-1"].Level);
        Assert.Equal(FindingLevel.Warning, nodes["worker-2"].Level);
        Assert.StartsWith("no workloads: not Ready", nodes["worker-2"].Detail, StringComparison.Ordinal);
        Assert.Equal(FindingLevel.Problem, nodes["workload nodes"].Level);
        Assert.StartsWith("1 of 3 nodes", nodes["workload nodes"].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OtherCniRunning_ReportsTheMismatch()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.AddDaemonSet("kube-system", "calico-node");

        var report = await harness.RunAsync(PreflightHarness.Options(PreflightNeeds.ForContext("cilium", PreflightHarness.Catalog, allowInstall: true)));

        var cni = Assert.Single(report.Problems);
        Assert.Equal(("cni", "cilium"), (cni.Area, cni.Check));
        Assert.Equal("runs calico and flannel; expected cilium", cni.Detail);
        Assert.Contains("only cilium", cni.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoCniOnADisposableCluster_SaysTheRunInstallsItAndChecksInstallRights()
    {
        await using var harness = await PreflightHarness.StartAsync(flannel: false);
        var options = PreflightHarness.Options(PreflightNeeds.ForContext("kube-router", PreflightHarness.Catalog, allowInstall: true)) with { ProbeImages = false };

        var report = await harness.RunAsync(options);

        Assert.True(report.Passed, string.Join("\n", report.Problems));
        Assert.Contains(report.Findings, f => f is { Area: "cni", Level: FindingLevel.Ok } && f.Detail == "no catalog CNI found; the run will install kube-router (the cluster is disposable)");
        Assert.Contains(report.Findings, f => f.Area == PermissionCheck.Area && f.Check == "patch customresourcedefinitions.apiextensions.k8s.io");
    }

    [Fact]
    public async Task RunAsync_NoCniOnAClusterNotToBeChanged_IsAProblem()
    {
        await using var harness = await PreflightHarness.StartAsync(flannel: false);

        var report = await harness.RunAsync(PreflightHarness.Options() with { ProbeImages = false });

        var cni = Assert.Single(report.Problems);
        Assert.Equal("no catalog CNI found; expected flannel", cni.Detail);
        Assert.Contains("disposable: true", cni.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ImageCannotBePulled_ReportsTheKubeletReasonAndRemovesTheProbe()
    {
        await using var harness = await PreflightHarness.StartAsync();
        var needs = PreflightNeeds.ForContext("flannel", PreflightHarness.Catalog, allowInstall: false);
        var agnhost = needs.Images[1];
        harness.Server.ImagePullFailures[agnhost] = "ErrImagePull";

        var report = await harness.RunAsync(PreflightHarness.Options(needs));

        var failed = Assert.Single(report.Problems);
        Assert.Equal(("image", agnhost), (failed.Area, failed.Check));
        Assert.StartsWith("not pulled on node-1: ErrImagePull: failed to pull image", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("kubernetes.images", failed.Fix, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f is { Area: "image", Level: FindingLevel.Ok } && f.Check == needs.Images[0]);
        Assert.Contains(report.Findings, f => f is { Area: "image", Level: FindingLevel.Ok } && f.Detail == "the probe's namespace and pod were removed");
        Assert.Empty(harness.Server.NamespaceNames());
        var probeNamespace = Assert.Single(harness.Server.Requests, r => r.StartsWith("DELETE /api/v1/namespaces/cnibench-", StringComparison.Ordinal))["DELETE /api/v1/namespaces/".Length..];
        Assert.Empty(harness.Server.PodsIn(probeNamespace));
    }

    [Fact]
    public async Task RunAsync_ImagesNeverArrive_ReportsTheTimeoutAndRemovesTheProbe()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.ReadyAfter = null;
        var options = PreflightHarness.Options();
        options = options with { Pull = options.Pull with { Timeout = TimeSpan.FromSeconds(1) } };

        var report = await harness.RunAsync(options);

        Assert.Equal(2, report.Problems.Count);
        Assert.All(report.Problems, p => Assert.Equal("not pulled on node-1 within 1 s (pod Pending)", p.Detail));
        Assert.Empty(harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task RunAsync_CancelledWhilePulling_StillRemovesTheProbeNamespace()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.ReadyAfter = null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        harness.Server.ExtraRoutes.Add((http, parts) =>
        {
            // The probe's first look at its pod: the user presses Ctrl-C now.
            if (http.Request.Method == "GET" && parts is ["api", "v1", "namespaces", _, "pods"])
            {
                cancel.Cancel();
            }

            return Task.FromResult(false);
        });
        using var connection = KubeContexts.Connect(harness.Kubeconfig, PreflightHarness.Context);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ClusterPreflight.RunAsync(connection, PreflightHarness.Options(), cancel.Token));

        Assert.Contains(harness.Server.Requests, r => r.StartsWith("POST /api/v1/namespaces", StringComparison.Ordinal));
        Assert.Contains(harness.Server.Requests, r => r.StartsWith("DELETE /api/v1/namespaces/cnibench-", StringComparison.Ordinal));
        Assert.Empty(harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task RunAsync_ApiUnreachable_GivesOneClearProblemAndStops()
    {
        await using var harness = await PreflightHarness.StartAsync();
        var directory = Directory.CreateTempSubdirectory("cnb-doctor-").FullName;
        try
        {
            using var connection = KubeContexts.Connect(harness.Server.WriteKubeconfig(directory, "down", PreflightHarness.ClosedPort()), "down");

            var report = await ClusterPreflight.RunAsync(connection, PreflightHarness.Options(), TestContext.Current.CancellationToken);

            var problem = Assert.Single(report.Problems);
            Assert.Equal("api", problem.Area);
            Assert.StartsWith("cannot reach the API server of cluster 'down' while reading its version (GET /version)", problem.Detail, StringComparison.Ordinal);
            Assert.Contains("kubectl --context down version", problem.Fix, StringComparison.Ordinal);
            Assert.DoesNotContain(report.Findings, f => f.Area is "permission" or "node" or "image");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_ApiServerErrors_ReportsTheStatus()
    {
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.Failing = true;

        var report = await harness.RunAsync();

        var problem = Assert.Single(report.Problems);
        Assert.Contains("500", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CredentialsRejectedAfterVersion_StopsWithTheReason()
    {
        // /version is public (system:public-info-viewer), so an expired token first shows on the access reviews.
        await using var harness = await PreflightHarness.StartAsync();
        harness.Server.Fault = (method, path) => path.EndsWith("/selfsubjectaccessreviews", StringComparison.Ordinal) ? System.Net.HttpStatusCode.Unauthorized : null;

        var report = await harness.RunAsync();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("api", "reading the cluster"), (problem.Area, problem.Check));
        Assert.Contains("401 Unauthorized", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.Area is "node" or "image");
        Assert.Empty(harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task RunAsync_HelmMissingWhereTheCatalogInstallsByChart_IsAProblem()
    {
        await using var harness = await PreflightHarness.StartAsync(flannel: false);
        harness.Server.AddDaemonSet("kube-system", "cilium");
        harness.Server.AddDaemonSet("kube-system", "cilium-envoy");
        var options = PreflightHarness.Options(PreflightNeeds.ForContext("cilium", PreflightHarness.Catalog, allowInstall: true)) with { IsOnPath = _ => false, ProbeImages = false };

        var report = await harness.RunAsync(options);

        Assert.Contains(report.Problems, p => p.Area == "helm" && p.Detail.StartsWith("not on PATH; needed for installing cilium", StringComparison.Ordinal));
    }
}
