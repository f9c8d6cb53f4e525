using CniBench.Catalog;
using CniBench.Kubernetes.Catalog;
using k8s;

namespace CniBench.Kubernetes.Preflight;

/// <summary>
/// The CNI running on the cluster, recognised from its DaemonSets as the installer does (<see cref="CniDetector"/>),
/// against the one the scenario expects there, with the installer's own decision.
/// </summary>
public static class CniCheck
{
    public const string Area = "cni";

    public static async Task<PreflightFinding> RunAsync(IKubernetes client, string cluster, CniCatalog catalog, RunNeeds needs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(needs);
        var observed = new List<ObservedDaemonSet>();
        try
        {
            foreach (var ns in CniDetector.NamespacesToScan(catalog.Manifests))
            {
                var list = await KubeErrors.GuardAsync(() => client.AppsV1.ListNamespacedDaemonSetAsync(ns, cancellationToken: cancellationToken), cluster, $"listing DaemonSets in {ns}");
                observed.AddRange(list.Items.Select(d => new ObservedDaemonSet(ns, d.Metadata.Name)));
            }
        }
        catch (KubeOperationException ex)
        {
            return new PreflightFinding(Area, needs.Cni ?? "detected", FindingLevel.Problem, ex.Message, "grant 'list daemonsets.apps' in the namespaces listed under permission");
        }

        var running = CniDetector.Detect(catalog.Manifests, observed);
        var seen = running.Count == 0 ? "no catalog CNI found" : $"runs {string.Join(" and ", running)}";
        if (needs.Cni is not { } expected)
        {
            return new PreflightFinding(Area, "detected", FindingLevel.Info, $"{seen} (no CNI given to compare with: pass --cni or a scenario)");
        }

        var decision = CniDetector.Decide(expected, running, cluster, needs.MayInstall);
        return decision.Action switch
        {
            InstallAction.None => new PreflightFinding(Area, expected, FindingLevel.Ok, $"{seen}, as expected"),
            InstallAction.Install => new PreflightFinding(Area, expected, FindingLevel.Ok, $"{seen}; the run will install {expected} (the cluster is disposable)"),
            _ => new PreflightFinding(Area, expected, FindingLevel.Problem, $"{seen}; expected {expected}", Fix(expected, running)),
        };
    }

    private static string Fix(string expected, IReadOnlyList<string> running) =>
        running.Count == 0
            ? $"install {expected} yourself, or mark the cluster 'disposable: true' in the scenario (or pass --allow-install) so the run installs it"
            : $"use a cluster that runs only {expected} (the run never installs a second CNI), or a fresh disposable one; or expect {string.Join("/", running)} for this context";
}
