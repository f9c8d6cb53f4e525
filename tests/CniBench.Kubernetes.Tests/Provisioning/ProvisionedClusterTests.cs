using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Provisioning;
using CniBench.Kubernetes.Tests.Catalog;

namespace CniBench.Kubernetes.Tests.Provisioning;

public sealed class ProvisionedClusterTests
{
    private const string RunNamespace = "cnibench-3fa2";

    private const string Create = "create.sh {cni} {podCidr}";

    private const string Destroy = "destroy.sh '{cni}'";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KubernetesProvider Provider(ProviderHarness harness, IProcessRunner runner, KubernetesClusterSpec? cluster = null, string? kubeconfig = null) =>
        harness.Provider(o => o with
        {
            ProvisionRunner = runner,
            Catalog = CatalogTestSupport.Catalog,
            ProvisionTimeout = TimeSpan.FromSeconds(30),
            DestroyTimeout = TimeSpan.FromSeconds(30),
            Spec = o.Spec with
            {
                Kubeconfig = kubeconfig ?? o.Spec.Kubeconfig,
                Clusters = new Dictionary<string, KubernetesClusterSpec>
                {
                    ["flannel"] = cluster ?? new() { Context = ProviderHarness.Context, Disposable = true, Provision = Create, Destroy = Destroy },
                },
            },
        });

    [Fact]
    public async Task CreateAsync_Provisioned_RunsProvisionThenDeploysAndDisposeDestroysAfterNamespaceIsGone()
    {
        await using var harness = await ProviderHarness.StartAsync();
        IReadOnlyList<string>? namespacesAtDestroy = null;
        var runner = new ScriptedProvisionRunner((spec, _) =>
        {
            if (spec.Program == "destroy.sh")
            {
                namespacesAtDestroy = harness.Server.NamespaceNames();
            }

            return Task.FromResult(ScriptedProvisionRunner.Ok());
        });

        ICluster cluster = await ((IClusterProvider)Provider(harness, runner)).CreateAsync(ProviderHarness.Request, null, Ct);
        var provisioned = Assert.IsType<ProvisionedCluster>(cluster);
        Assert.Equal(["create.sh flannel 10.244.0.0/16"], runner.Programs);
        Assert.Equal(TimeSpan.FromSeconds(30), runner.Runs.Single().Timeout);
        Assert.Contains(RunNamespace, harness.Server.NamespaceNames());
        Assert.Same(provisioned.Cluster, cluster.AsKubernetes());
        Assert.EndsWith("provisioned for this run", cluster.Description, StringComparison.Ordinal);

        await cluster.DisposeAsync();

        Assert.Equal(["create.sh flannel 10.244.0.0/16", "destroy.sh flannel"], runner.Programs);
        Assert.NotNull(namespacesAtDestroy);
        Assert.DoesNotContain(RunNamespace, namespacesAtDestroy);
        Assert.Null(provisioned.DestroyFailure);
    }

    [Fact]
    public async Task CreateAsync_ProvisionedVariant_NamesItsOwnClusterAndForwardsServices()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));
        var provider = harness.Provider(o => o with
        {
            ProvisionRunner = runner,
            Catalog = CatalogTestSupport.Catalog,
            Spec = o.Spec with
            {
                Clusters = new Dictionary<string, KubernetesClusterSpec>
                {
                    ["flannel+wireguard"] = new() { Context = ProviderHarness.Context, Disposable = true, Provision = Create, Destroy = Destroy },
                },
            },
        });

        await using (var cluster = await provider.CreateProvisionedAsync(ProviderHarness.Request with { Variant = "wireguard" }, null, Ct))
        {
            await using var service = await ((IServiceCluster)cluster).ExposeAsync(new ServiceRequest("cnb-tcp", [cluster.Nodes[0].Pods[0]], [ServicePort.Tcp(5201)]), Ct);
            Assert.Single(harness.Server.ServicesIn(RunNamespace));
        }

        Assert.Equal(["create.sh flannel-wireguard 10.244.0.0/16", "destroy.sh flannel-wireguard"], runner.Programs);
    }

    [Fact]
    public async Task CreateAsync_ProvisionExitsNonZero_MessageHasCommandExitCodeAndOutputTailAndDestroyRuns()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var noise = string.Join('\n', Enumerable.Range(1, 40).Select(i => $"progress line {i}"));
        var runner = new ScriptedProvisionRunner((spec, _) => Task.FromResult(spec.Program == "create.sh"
            ? new ProcessResult(1, noise, "ERROR: failed to create cluster: node image not found", TimeSpan.FromSeconds(1))
            : ScriptedProvisionRunner.Ok()));

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => Provider(harness, runner).CreateProvisionedAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("provisioning the cluster for 'flannel' failed with exit code 1: create.sh flannel 10.244.0.0/16", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("ERROR: failed to create cluster: node image not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("progress line 40", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("progress line 5\n", error.Message, StringComparison.Ordinal);
        Assert.Equal(["create.sh flannel 10.244.0.0/16", "destroy.sh flannel"], runner.Programs);
        Assert.DoesNotContain(RunNamespace, harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task CreateAsync_DeployFailsAfterProvision_DestroyRunsAndTheCauseSurfaces()
    {
        // One node: the provider refuses (the tests need two), after the cluster was provisioned.
        await using var harness = await ProviderHarness.StartAsync(nodes: 1);
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => Provider(harness, runner).CreateProvisionedAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("Ready schedulable nodes", error.Message, StringComparison.Ordinal);
        Assert.Equal(["create.sh flannel 10.244.0.0/16", "destroy.sh flannel"], runner.Programs);
    }

    [Fact]
    public async Task CreateAsync_CancelledWhileProvisioning_DestroyStillRunsWithoutTheCancelledToken()
    {
        await using var harness = await ProviderHarness.StartAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var destroyTokenWasLive = false;
        var runner = new ScriptedProvisionRunner(async (spec, token) =>
        {
            if (spec.Program == "create.sh")
            {
                await cancel.CancelAsync();
                token.ThrowIfCancellationRequested();
            }

            destroyTokenWasLive = !token.IsCancellationRequested;
            return ScriptedProvisionRunner.Ok();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Provider(harness, runner).CreateProvisionedAsync(ProviderHarness.Request, null, cancel.Token));

        Assert.Equal(["create.sh flannel 10.244.0.0/16", "destroy.sh flannel"], runner.Programs);
        Assert.True(destroyTokenWasLive);
    }

    [Fact]
    public async Task CreateAsync_ProvisionTimesOut_SaysSoAndDestroys()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((spec, _) => spec.Program == "create.sh"
            ? throw new ProcessTimeoutException(spec, spec.Timeout)
            : Task.FromResult(ScriptedProvisionRunner.Ok()));

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => Provider(harness, runner).CreateProvisionedAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("did not finish within 0.5 min", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, runner.Runs.Count);
    }

    [Fact]
    public async Task CreateAsync_ProvisionedButNotDisposable_RefusesBeforeRunningAnything()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));
        var spec = new KubernetesClusterSpec { Context = ProviderHarness.Context, Disposable = false, Provision = Create, Destroy = Destroy };

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => ((IClusterProvider)Provider(harness, runner, spec)).CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("not marked 'disposable: true'", error.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Runs);
        Assert.DoesNotContain(RunNamespace, harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task CreateAsync_PodCidrUnknownToCatalog_FailsBeforeRunningAnything()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));
        var provider = harness.Provider(o => o with
        {
            ProvisionRunner = runner,
            Catalog = CatalogTestSupport.WithoutPodCidrDefault("kube-router"),
            Spec = o.Spec with
            {
                Clusters = new Dictionary<string, KubernetesClusterSpec> { ["kube-router"] = new() { Disposable = true, Provision = Create, Destroy = Destroy } },
            },
        });

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => provider.CreateProvisionedAsync(ProviderHarness.Request with { Cni = "kube-router" }, null, Ct));

        Assert.Contains("has no kubernetes.podCidr.default", error.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Runs);
    }

    [Fact]
    public async Task CreateAsync_UnterminatedQuoteInDestroy_FailsBeforeProvisioning()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));
        var spec = new KubernetesClusterSpec { Disposable = true, Provision = Create, Destroy = "destroy.sh '{cni}" };

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => Provider(harness, runner, spec).CreateProvisionedAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains("unterminated single quote", error.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Runs);
    }

    [Fact]
    public async Task CreateAsync_NoContext_ConnectsToTheCurrentContextTheProvisionerWrote()
    {
        // Like kind, the provisioner writes the kubeconfig (and its current-context); it does not exist before.
        await using var harness = await ProviderHarness.StartAsync();
        var directory = Directory.CreateTempSubdirectory("cnb-prov-").FullName;
        try
        {
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            var runner = new ScriptedProvisionRunner((spec, _) =>
            {
                if (spec.Program == "create.sh")
                {
                    harness.Server.WriteKubeconfig(directory, "kind-cnibench-flannel");
                }

                return Task.FromResult(ScriptedProvisionRunner.Ok());
            });
            var spec = new KubernetesClusterSpec { Disposable = true, Provision = Create, Destroy = Destroy };

            await using var cluster = await Provider(harness, runner, spec, kubeconfig).CreateProvisionedAsync(ProviderHarness.Request, null, Ct);

            Assert.Equal("kind-cnibench-flannel", cluster.Cluster.Context);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DisposeAsync_DestroyFails_DoesNotThrowAndReportsWhichClusterMayRemain()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((spec, _) => Task.FromResult(spec.Program == "destroy.sh"
            ? new ProcessResult(2, "", "docker: permission denied", TimeSpan.Zero)
            : ScriptedProvisionRunner.Ok()));
        var messages = new List<string>();
        var progress = new SynchronousProgress(messages);

        var cluster = await Provider(harness, runner).CreateProvisionedAsync(ProviderHarness.Request, progress, Ct);
        await cluster.DisposeAsync();

        Assert.Contains("destroying the cluster for 'flannel' failed with exit code 2: destroy.sh flannel", cluster.DestroyFailure, StringComparison.Ordinal);
        Assert.Contains("docker: permission denied", cluster.DestroyFailure, StringComparison.Ordinal);
        Assert.Contains(messages, m => m.Contains("the cluster may still exist", StringComparison.Ordinal));
        Assert.DoesNotContain(RunNamespace, harness.Server.NamespaceNames());
    }

    [Fact]
    public async Task CreateAsync_TypedMethodOnProvisionedCluster_PointsToCreateProvisionedAsync()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provider(harness, runner).CreateAsync(ProviderHarness.Request, null, Ct));

        Assert.Contains(nameof(KubernetesProvider.CreateProvisionedAsync), error.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Runs);
    }

    [Fact]
    public async Task CreateAsync_UnderlayWhenEveryClusterIsProvisioned_RefusesClearly()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var runner = new ScriptedProvisionRunner((_, _) => Task.FromResult(ScriptedProvisionRunner.Ok()));

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => ((IClusterProvider)Provider(harness, runner)).CreateAsync(ProviderHarness.Request with { Cni = Underlay.Name }, null, Ct));

        Assert.Contains("set 'underlay: false'", error.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Runs);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; a test wants the messages in hand when the call returns.</summary>
    private sealed class SynchronousProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (messages)
            {
                messages.Add(value);
            }
        }
    }
}
