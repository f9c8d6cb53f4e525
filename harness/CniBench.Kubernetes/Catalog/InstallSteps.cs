using System.Globalization;
using CniBench.Catalog;
using k8s;

namespace CniBench.Kubernetes.Catalog;

/// <summary>
/// The install steps every catalog (CNIs, ingress controllers) shares: apply pinned manifests and wait for the
/// readiness workloads. Their <c>what</c> argument names the thing installed in messages.
/// </summary>
internal static class InstallSteps
{
    /// <summary>Downloads and verifies every manifest before applying anything, so a bad hash leaves the cluster untouched.</summary>
    public static async Task ApplyManifestsAsync(
        IKubernetes client, ManifestDownloader downloader, IReadOnlyList<ManifestSource> sources, bool allowUnverified, string clusterName, string what, CancellationToken cancellationToken)
    {
        var documents = new List<(ManifestSource Source, string Text)>();
        foreach (var source in sources)
        {
            documents.Add((source, await downloader.GetAsync(source, allowUnverified, cancellationToken)));
        }

        foreach (var (source, text) in documents)
        {
            await ApplyObjectsAsync(client, text, source.Url.AbsoluteUri, clusterName, what, cancellationToken);
        }
    }

    /// <summary>Server-side applies every object of one multi-document YAML text, in order.</summary>
    public static async Task ApplyObjectsAsync(IKubernetes client, string yaml, string sourceName, string clusterName, string what, CancellationToken cancellationToken)
    {
        foreach (var obj in ManifestObjects.Parse(yaml, sourceName))
        {
            await KubeErrors.GuardAsync(() => KubernetesApplier.ApplyAsync(client, obj, cancellationToken), clusterName, $"applying {obj} of {what}");
        }
    }

    /// <summary>Polls until every readiness workload is ready; a timeout names what was not, with its pods and events.</summary>
    public static async Task WaitReadyAsync(
        IKubernetes client, string clusterName, IReadOnlyList<WorkloadRef> workloads, string what, TimeSpan timeout, TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
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
                    $"cluster '{clusterName}': {what} did not become ready within {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; " +
                    $"not ready: {string.Join("; ", pending.Select(p => p.State.NotReady))}{diagnosis}");
            }

            await Task.Delay(pollInterval, time, cancellationToken);
        }
    }

    /// <summary>Whether the workload exists at all (any readiness); API failures other than 404 are described and thrown.</summary>
    public static async Task<bool> ExistsAsync(IKubernetes client, string clusterName, WorkloadRef workload, CancellationToken cancellationToken) =>
        (await StateAsync(client, clusterName, workload, cancellationToken)).Exists;

    /// <summary>The label selector of a readiness workload's pods; null while the workload does not exist.</summary>
    public static async Task<string?> PodSelectorAsync(IKubernetes client, string clusterName, WorkloadRef workload, CancellationToken cancellationToken) =>
        (await StateAsync(client, clusterName, workload, cancellationToken)).Selector;

    /// <summary>What a readiness workload lacks (null when ready) and the label selector of its pods, once it exists.</summary>
    private readonly record struct WorkloadState(string? NotReady, string? Selector, bool Exists = true);

    private static async Task<WorkloadState> StateAsync(IKubernetes client, string clusterName, WorkloadRef workload, CancellationToken cancellationToken)
    {
        try
        {
            if (workload.Kind == WorkloadKind.DaemonSet)
            {
                var ds = await client.AppsV1.ReadNamespacedDaemonSetAsync(workload.Name, workload.Namespace, cancellationToken: cancellationToken);
                return new WorkloadState(
                    CatalogInstaller.DaemonSetReadiness(ds) ? null : $"{workload}: {ds.Status?.NumberReady ?? 0}/{ds.Status?.DesiredNumberScheduled ?? 0} pods ready",
                    InstallDiagnosis.Selector(ds.Spec?.Selector));
            }

            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(workload.Name, workload.Namespace, cancellationToken: cancellationToken);
            var want = deployment.Spec?.Replicas ?? 1;
            var have = deployment.Status?.AvailableReplicas ?? 0;
            return new WorkloadState(have >= want ? null : $"{workload}: {have}/{want} replicas available", InstallDiagnosis.Selector(deployment.Spec?.Selector));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new WorkloadState($"{workload}: not found yet", null, Exists: false);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, clusterName, $"reading {workload}"), ex);
        }
    }
}
