using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Catalog;

namespace CniBench.Kubernetes.Preflight;

/// <summary>The tests of a scenario that change what a cluster must allow (read by the caller, which knows the kinds' settings).</summary>
/// <param name="IngressControllers">The ingress test's controllers, as the scenario names them.</param>
public sealed record ScenarioUse(bool NetworkPolicies, bool Ingress, bool IngressTls, IReadOnlyList<string> IngressControllers)
{
    /// <summary>What <c>cnibench doctor --context</c> checks without a scenario: the netpol test, no ingress test.</summary>
    public static ScenarioUse WithoutScenario { get; } = new(NetworkPolicies: true, Ingress: false, IngressTls: false, IngressControllers: []);
}

/// <summary>Turns a scenario's cluster entry (or a bare context) into the <see cref="RunNeeds"/> the preflight checks.</summary>
public static class PreflightNeeds
{
    /// <param name="clusterKey">The <c>kubernetes.clusters</c> key: a <c>cnis:</c> entry (<c>calico+wireguard</c>) or <c>underlay</c>.</param>
    public static RunNeeds For(string clusterKey, KubernetesSpec spec, KubernetesClusterSpec cluster, ScenarioUse use, CniCatalog catalog, IngressCatalog? ingress, bool allowInstall)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(use);
        ArgumentNullException.ThrowIfNull(catalog);
        var mayInstall = cluster.Disposable || allowInstall;
        var id = clusterKey == Underlay.Name ? null : ClusterId.Parse(clusterKey);
        var manifest = id is not null && catalog.TryGet(id.Cni, out var found) ? found : null;
        var variant = id?.Variant is { } name ? manifest?.Kubernetes?.Encryption.FirstOrDefault(e => e.Name == name) : null;
        var controllers = use.Ingress
            ? use.IngressControllers.Select(c => ingress is not null && ingress.TryGet(c, out var controller) ? controller : null).OfType<IngressControllerSpec>().ToList()
            : [];
        var images = new List<string> { spec.Images.Iperf3, spec.Images.Agnhost };
        if (controllers.Any(c => c.Install.Image is not null))
        {
            // Our YARP controller's image is built and pushed by the user, so its pull is worth checking most.
            images.Add(spec.Images.YarpIngress);
        }

        return new RunNeeds
        {
            Cni = id?.Cni,
            NetworkPolicies = use.NetworkPolicies,
            Ingress = use.Ingress,
            IngressTls = use.IngressTls,
            MayInstall = mayInstall,
            CniNamespaces = CniDetector.NamespacesToScan(catalog.Manifests),
            CniReadinessNamespaces = [.. (manifest?.Kubernetes?.Readiness ?? []).Select(r => r.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            ReadinessWorkloads = [.. (manifest?.Kubernetes?.Readiness ?? []).Concat(controllers.SelectMany(c => c.Readiness))],
            IngressNamespaces = [.. controllers.SelectMany(c => c.Readiness.Select(r => r.Namespace)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            SecretNamespace = variant?.Secret?.Namespace,
            Images = images,
            HelmNeededFor = HelmNeededFor(manifest, variant, controllers, mayInstall),
        };
    }

    /// <summary>A bare <c>--context</c>: the CNI given with <c>--cni</c> (if any), the default images, the netpol test.</summary>
    public static RunNeeds ForContext(string? cni, CniCatalog catalog, bool allowInstall)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var cluster = new KubernetesClusterSpec { Disposable = allowInstall };
        return For(cni ?? Underlay.Name, new KubernetesSpec(), cluster, ScenarioUse.WithoutScenario, catalog, null, allowInstall);
    }

    private static string? HelmNeededFor(CniManifest? manifest, EncryptionVariantSpec? variant, IReadOnlyList<IngressControllerSpec> controllers, bool mayInstall)
    {
        var reasons = new List<string>();
        if (manifest?.Kubernetes?.Helm is { } chart && (mayInstall || variant?.HelmValues.Count > 0))
        {
            reasons.Add(mayInstall ? $"installing {manifest.Name} (chart {chart.Chart} {chart.Version})" : $"checking {manifest.Name}'s variant values (helm get values)");
        }

        if (mayInstall)
        {
            reasons.AddRange(controllers.Where(c => c.Install.Helm is not null).Select(c => $"installing {c.Name} (chart {c.Install.Helm!.Chart} {c.Install.Helm.Version})"));
        }

        return reasons.Count == 0 ? null : string.Join(", ", reasons);
    }
}
