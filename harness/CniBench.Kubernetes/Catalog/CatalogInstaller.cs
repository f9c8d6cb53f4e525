using System.Globalization;
using System.Text.Json.Nodes;
using CniBench.Catalog;
using CniBench.Core.Clusters;
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

    public async Task<CniInstallResult> EnsureInstalledAsync(IKubernetes client, ClusterId id, KubernetesClusterSpec cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(cluster);
        var cni = id.Cni;
        var manifest = catalog[cni];
        var install = manifest.Kubernetes
            ?? throw new InvalidOperationException($"{cni} has no 'kubernetes' section in {manifest.SourcePath}: the catalog does not know how to install it");

        // Resolved before the cluster is contacted: a variant the catalog cannot switch on changes nothing.
        var variant = id.Variant is null ? null : VariantFor(manifest, install, id.Variant);
        var clusterName = cluster.Context ?? "(current context)";

        var observed = await ListDaemonSetsAsync(client, clusterName, cancellationToken);
        var running = CniDetector.Detect(catalog.Manifests, observed);
        var decision = CniDetector.Decide(cni, running, clusterName, cluster.Disposable);
        _options.Progress?.Report(decision.Message);
        switch (decision.Action)
        {
            case InstallAction.None:
                await WaitReadyAsync(client, clusterName, install.Readiness, cancellationToken);
                return variant is null ? CniInstallResult.None : await EnsureVariantOnRunningCniAsync(client, id, clusterName, cluster, install, variant, cancellationToken);
            case InstallAction.Refuse:
                throw new InvalidOperationException(decision.Message);
        }

        if (install.Status != ProjectStatus.Active)
        {
            _options.Progress?.Report($"{cni} is {install.Status.ToString().ToLowerInvariant()} upstream: {install.StatusNote}");
        }

        if (variant?.Settings.Secret is { } secret)
        {
            await CreateSecretAsync(client, clusterName, secret, cancellationToken);
        }

        if (install.Helm is { } chart)
        {
            var values = variant?.Settings.HelmValues ?? new Dictionary<string, string>();
            await helm.UpgradeInstallAsync(chart, values, _options.Kubeconfig, cluster.Context, _options.ReadyTimeout, cancellationToken);
        }
        else
        {
            await InstallSteps.ApplyManifestsAsync(client, downloader, install.Manifests, _options.AllowUnverified, clusterName, cni, cancellationToken);
        }

        await WaitReadyAsync(client, clusterName, install.Readiness, cancellationToken);
        if (variant is null)
        {
            return CniInstallResult.None;
        }

        // Patches go to objects the CNI creates or reads at start (Calico's FelixConfiguration "default"), so after it is ready.
        if (variant.Settings.Patches.Count > 0)
        {
            await ApplyPatchesAsync(client, clusterName, id, variant.Settings, cancellationToken);
            if (variant.Settings.Patches.Any(p => p.Kind == "ConfigMap"))
            {
                // An agent reads its ConfigMap only at start (flanneld's net-conf.json).
                await RestartAsync(client, clusterName, install.Readiness, cancellationToken);
            }

            await WaitReadyAsync(client, clusterName, install.Readiness, cancellationToken);
        }

        return Result(variant, "applied by CniBench at install");
    }

    /// <summary>The catalog's settings for a variant, or why CniBench cannot switch it on for a real cluster.</summary>
    private static ResolvedVariant VariantFor(CniManifest manifest, KubernetesInstallSpec install, string name)
    {
        var described = manifest.Variant(name);
        var settings = install.Encryption.FirstOrDefault(e => e.Name == name);
        if (settings is null)
        {
            throw new ClusterUnsupportedException(described is null
                ? $"{manifest.Name} offers no variant '{name}' in {manifest.SourcePath}"
                : $"{manifest.Name}+{name}: {manifest.SourcePath} has no kubernetes.encryption entry '{name}', so CniBench does not know how to switch " +
                  $"this {described.Kind.ToString().ToLowerInvariant()} variant on for a real cluster (it runs in the lab only)");
        }

        if (settings.HelmValues.Count > 0 && install.Helm is null)
        {
            throw new ClusterUnsupportedException(
                $"{manifest.Name}+{name}: the variant is switched on by Helm values, but {manifest.SourcePath} installs {manifest.Name} from manifests");
        }

        return new ResolvedVariant(name, described?.Kind ?? VariantKind.Encryption, settings);
    }

    private sealed record ResolvedVariant(string Name, VariantKind Kind, EncryptionVariantSpec Settings)
    {
        public string FactKey => Kind == VariantKind.Encryption ? "encryption" : "variant";
    }

    private static CniInstallResult Result(ResolvedVariant variant, string verified) =>
        new(new Dictionary<string, string>(StringComparer.Ordinal) { [variant.FactKey] = variant.Name, [$"{variant.FactKey}.verified"] = verified });

    /// <summary>
    /// The CNI already runs. On a cluster CniBench may change, a variant not yet in place is switched on; elsewhere it
    /// must already be active: a variant found missing is refused, one that cannot be checked is recorded as unverified.
    /// </summary>
    private async Task<CniInstallResult> EnsureVariantOnRunningCniAsync(
        IKubernetes client, ClusterId id, string clusterName, KubernetesClusterSpec cluster, KubernetesInstallSpec install, ResolvedVariant variant, CancellationToken cancellationToken)
    {
        var check = await VariantCheck.CheckAsync(
            client, clusterName, install, variant.Settings, chart => helm.GetValuesAsync(chart, _options.Kubeconfig, cluster.Context, HelmReadTimeout, cancellationToken), cancellationToken);
        _options.Progress?.Report($"{clusterName}: {id}: {check.State.ToString().ToLowerInvariant()} ({check.Detail})");
        switch (check.State)
        {
            case VariantState.Active:
                return Result(variant, $"yes: {check.Detail}");
            case VariantState.Unknown when !cluster.Disposable:
                return Result(variant, $"no: {check.Detail}");
            case VariantState.NotActive when !cluster.Disposable:
                throw new ClusterUnsupportedException(
                    $"{clusterName} runs {id.Cni} but not its variant '{variant.Name}' ({check.Detail}), and the cluster is not marked disposable, so " +
                    "CniBench does not change it: switch the variant on yourself, mark the cluster 'disposable: true', or pass --allow-install");
        }

        // Disposable: switch it on under the running agents, then restart them so every agent runs with it.
        if (variant.Settings.Secret is { } secret)
        {
            await CreateSecretAsync(client, clusterName, secret, cancellationToken);
        }

        if (install.Helm is { } chart && variant.Settings.HelmValues.Count > 0)
        {
            await helm.UpgradeInstallAsync(chart, variant.Settings.HelmValues, _options.Kubeconfig, cluster.Context, _options.ReadyTimeout, cancellationToken);
        }

        await ApplyPatchesAsync(client, clusterName, id, variant.Settings, cancellationToken);
        await RestartAsync(client, clusterName, install.Readiness, cancellationToken);
        await WaitReadyAsync(client, clusterName, install.Readiness, cancellationToken);
        return Result(variant, "applied by CniBench to the running CNI");
    }

    private static readonly TimeSpan HelmReadTimeout = TimeSpan.FromSeconds(60);

    private async Task CreateSecretAsync(IKubernetes client, string clusterName, SecretSpec secret, CancellationToken cancellationToken)
    {
        var created = await VariantSecret.EnsureAsync(client, clusterName, secret, cancellationToken);
        _options.Progress?.Report(created
            ? $"{clusterName}: created Secret {secret.Namespace}/{secret.Name} with a key generated for this run"
            : $"{clusterName}: Secret {secret.Namespace}/{secret.Name} exists; keeping its key");
    }

    private async Task ApplyPatchesAsync(IKubernetes client, string clusterName, ClusterId id, EncryptionVariantSpec settings, CancellationToken cancellationToken)
    {
        foreach (var patch in settings.Patches)
        {
            var what = patch.Namespace is null ? $"{patch.Kind} {patch.Name}" : $"{patch.Kind} {patch.Namespace}/{patch.Name}";
            _options.Progress?.Report($"{clusterName}: {id}: patching {what}");
            await KubeErrors.GuardAsync(() => KubernetesApplier.PatchAsync(client, patch, cancellationToken), clusterName, $"patching {what} for {id}");
        }
    }

    /// <summary>What <c>kubectl rollout restart</c> does: a new pod-template annotation, so each DaemonSet replaces its pods.</summary>
    private async Task RestartAsync(IKubernetes client, string clusterName, IReadOnlyList<WorkloadRef> workloads, CancellationToken cancellationToken)
    {
        var stamp = _options.TimeProvider.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartAnnotation] = stamp } } } },
        }.ToJsonString();
        foreach (var workload in workloads.Where(w => w.Kind == WorkloadKind.DaemonSet))
        {
            _options.Progress?.Report($"{clusterName}: restarting {workload} so its agents read the new settings");
            await KubeErrors.GuardAsync(
                () => client.AppsV1.PatchNamespacedDaemonSetAsync(new V1Patch(body, V1Patch.PatchType.StrategicMergePatch), workload.Name, workload.Namespace, fieldManager: KubernetesApplier.FieldManager, cancellationToken: cancellationToken),
                clusterName,
                $"restarting {workload}");
        }
    }

    /// <summary>The annotation <c>kubectl rollout restart</c> sets.</summary>
    public const string RestartAnnotation = "kubectl.kubernetes.io/restartedAt";

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

    private Task WaitReadyAsync(IKubernetes client, string clusterName, IReadOnlyList<WorkloadRef> workloads, CancellationToken cancellationToken) =>
        InstallSteps.WaitReadyAsync(client, clusterName, workloads, "the CNI", _options.ReadyTimeout, _options.PollInterval, _options.TimeProvider, cancellationToken);

    /// <summary>Ready when every scheduled pod is ready and runs the latest spec (after a patch or restart), and the controller has seen it.</summary>
    public static bool DaemonSetReadiness(V1DaemonSet daemonSet)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        var status = daemonSet.Status;
        return status is not null
            && status.DesiredNumberScheduled > 0
            && status.NumberReady == status.DesiredNumberScheduled
            && (status.UpdatedNumberScheduled ?? status.DesiredNumberScheduled) == status.DesiredNumberScheduled
            && (status.ObservedGeneration ?? 0) >= (daemonSet.Metadata?.Generation ?? 0);
    }
}
