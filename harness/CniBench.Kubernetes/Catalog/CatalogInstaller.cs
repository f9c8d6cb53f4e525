using System.Globalization;
using CniBench.Core.Catalog;
using CniBench.Core.Scenarios;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Catalog;

public sealed record CatalogInstallerOptions
{
    /// <summary>Apply manifests whose sha256 the catalog does not pin (e.g. Weave Net's release asset).</summary>
    public bool AllowUnverified { get; init; }

    /// <summary>Passed to helm; null means what helm uses (KUBECONFIG, then ~/.kube/config).</summary>
    public string? Kubeconfig { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public IProgress<string>? Progress { get; init; }
}

/// <summary>
/// Installs a catalog CNI on a cluster: detects what runs, refuses mismatches and non-disposable clusters,
/// applies the pinned manifests (server-side apply) or the Helm chart, then waits for the readiness workloads.
/// </summary>
public sealed class CatalogInstaller(CniCatalog catalog, ManifestDownloader downloader, HelmTool helm, CatalogInstallerOptions? options = null) : ICniInstaller
{
    private readonly CatalogInstallerOptions _options = options ?? new CatalogInstallerOptions();

    public async Task EnsureInstalledAsync(IKubernetes client, string cni, KubernetesClusterSpec cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(cluster);
        var manifest = catalog[cni];
        var install = manifest.Kubernetes
            ?? throw new InvalidOperationException($"{cni} has no 'kubernetes' section in {manifest.SourcePath}: the catalog does not know how to install it");
        var clusterName = cluster.Context ?? "(current context)";

        var observed = await ListDaemonSetsAsync(client, clusterName, cancellationToken);
        var running = CniDetector.Detect(catalog.Manifests, observed);
        var decision = CniDetector.Decide(cni, running, clusterName, cluster.Disposable);
        _options.Progress?.Report(decision.Message);
        switch (decision.Action)
        {
            case InstallAction.None:
                await WaitReadyAsync(client, clusterName, install.Readiness, cancellationToken);
                return;
            case InstallAction.Refuse:
                throw new InvalidOperationException(decision.Message);
        }

        if (install.Status != ProjectStatus.Active)
        {
            _options.Progress?.Report($"{cni} is {install.Status.ToString().ToLowerInvariant()} upstream: {install.StatusNote}");
        }

        if (install.Helm is { } chart)
        {
            await helm.UpgradeInstallAsync(chart, new Dictionary<string, string>(), _options.Kubeconfig, cluster.Context, _options.ReadyTimeout, cancellationToken);
        }
        else
        {
            // Download and verify everything before applying anything, so a bad hash leaves the cluster untouched.
            var documents = new List<(ManifestSource Source, string Text)>();
            foreach (var source in install.Manifests)
            {
                documents.Add((source, await downloader.GetAsync(source, _options.AllowUnverified, cancellationToken)));
            }

            foreach (var (source, text) in documents)
            {
                foreach (var obj in ManifestObjects.Parse(text, source.Url.AbsoluteUri))
                {
                    await KubeErrors.GuardAsync(() => KubernetesApplier.ApplyAsync(client, obj, cancellationToken), clusterName, $"applying {obj} of {cni}");
                }
            }
        }

        await WaitReadyAsync(client, clusterName, install.Readiness, cancellationToken);
    }

    private async Task<List<ObservedDaemonSet>> ListDaemonSetsAsync(IKubernetes client, string clusterName, CancellationToken cancellationToken)
    {
        var observed = new List<ObservedDaemonSet>();
        foreach (var ns in CniDetector.NamespacesToScan(catalog.Manifests))
        {
            var list = await KubeErrors.GuardAsync(
                () => client.AppsV1.ListNamespacedDaemonSetAsync(ns, cancellationToken: cancellationToken), clusterName, $"listing DaemonSets in {ns}");
            observed.AddRange(list.Items.Select(d => new ObservedDaemonSet(ns, d.Metadata.Name)));
        }

        return observed;
    }

    /// <summary>Polls until every readiness workload is ready; a timeout names what was not.</summary>
    private async Task WaitReadyAsync(IKubernetes client, string clusterName, IReadOnlyList<WorkloadRef> workloads, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var deadline = time.GetUtcNow() + _options.ReadyTimeout;
        while (true)
        {
            var pending = new List<(WorkloadRef Workload, WorkloadState State)>();
            foreach (var workload in workloads)
            {
                var state = await StateAsync(client, clusterName, workload, cancellationToken);
                if (state.NotReady is not null)
                {
                    pending.Add((workload, state));
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (time.GetUtcNow() >= deadline)
            {
                var diagnosis = await InstallDiagnosis.DescribeAsync(client, pending.Select(p => (p.Workload, p.State.Selector)).ToList(), time, cancellationToken);
                throw new TimeoutException(
                    $"cluster '{clusterName}': the CNI did not become ready within {_options.ReadyTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; " +
                    $"not ready: {string.Join("; ", pending.Select(p => p.State.NotReady))}{diagnosis}");
            }

            await Task.Delay(_options.PollInterval, time, cancellationToken);
        }
    }

    /// <summary>What a readiness workload lacks (null when ready) and the label selector of its pods, once it exists.</summary>
    private readonly record struct WorkloadState(string? NotReady, string? Selector);

    private static async Task<WorkloadState> StateAsync(IKubernetes client, string clusterName, WorkloadRef workload, CancellationToken cancellationToken)
    {
        try
        {
            if (workload.Kind == WorkloadKind.DaemonSet)
            {
                var ds = await client.AppsV1.ReadNamespacedDaemonSetAsync(workload.Name, workload.Namespace, cancellationToken: cancellationToken);
                return new WorkloadState(
                    DaemonSetReadiness(ds) ? null : $"{workload}: {ds.Status?.NumberReady ?? 0}/{ds.Status?.DesiredNumberScheduled ?? 0} pods ready",
                    InstallDiagnosis.Selector(ds.Spec?.Selector));
            }

            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(workload.Name, workload.Namespace, cancellationToken: cancellationToken);
            var want = deployment.Spec?.Replicas ?? 1;
            var have = deployment.Status?.AvailableReplicas ?? 0;
            return new WorkloadState(have >= want ? null : $"{workload}: {have}/{want} replicas available", InstallDiagnosis.Selector(deployment.Spec?.Selector));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new WorkloadState($"{workload}: not found yet", null);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, clusterName, $"reading {workload}"), ex);
        }
    }

    /// <summary>Ready when every scheduled pod is ready and the controller has seen the latest spec.</summary>
    public static bool DaemonSetReadiness(V1DaemonSet daemonSet)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        var status = daemonSet.Status;
        return status is not null
            && status.DesiredNumberScheduled > 0
            && status.NumberReady == status.DesiredNumberScheduled
            && (status.ObservedGeneration ?? 0) >= (daemonSet.Metadata?.Generation ?? 0);
    }
}
