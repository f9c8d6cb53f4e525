using CniBench.Catalog;

namespace CniBench.Kubernetes.Catalog;

/// <summary>A DaemonSet seen on the cluster.</summary>
public sealed record ObservedDaemonSet(string Namespace, string Name);

public enum InstallAction
{
    /// <summary>The expected CNI already runs.</summary>
    None,

    Install,

    Refuse,
}

public sealed record InstallDecision(InstallAction Action, string Message);

/// <summary>Recognises the CNI a cluster runs from its DaemonSets, and decides what the installer may do. Pure.</summary>
public static class CniDetector
{
    private static readonly string[] WellKnownNamespaces = ["kube-system", "kube-flannel", "calico-system"];

    /// <summary>Where CNIs put their agents: kube-system, flannel's and the Calico operator's namespaces, plus any the catalog names.</summary>
    public static IReadOnlyList<string> NamespacesToScan(IEnumerable<CniManifest> manifests) =>
    [
        .. WellKnownNamespaces
            .Concat(manifests.SelectMany(m => m.Kubernetes?.DaemonSets.Select(d => d.Namespace) ?? []))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>
    /// The CNIs whose readiness DaemonSets are present. Matched by name in any scanned namespace, because the same
    /// agent moves between namespaces across install methods (calico-node: kube-system by manifest, calico-system by operator).
    /// </summary>
    public static IReadOnlyList<string> Detect(IEnumerable<CniManifest> manifests, IEnumerable<ObservedDaemonSet> daemonSets)
    {
        var list = manifests.ToList();
        var scanned = NamespacesToScan(list).ToHashSet(StringComparer.Ordinal);
        var names = daemonSets.Where(d => scanned.Contains(d.Namespace)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. list
                .Where(m => m.Kubernetes is not null && m.Kubernetes.DaemonSets.Any(d => names.Contains(d.Name)))
                .Select(m => m.Name)
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <param name="expected">The CNI the scenario wants on this cluster.</param>
    /// <param name="running">What <see cref="Detect"/> found.</param>
    /// <param name="clusterName">The context or cluster, for messages.</param>
    /// <param name="mayInstall">The scenario marks the cluster disposable, or the run allows installing.</param>
    public static InstallDecision Decide(string expected, IReadOnlyList<string> running, string clusterName, bool mayInstall)
    {
        if (running.Count == 1 && running[0] == expected)
        {
            return new InstallDecision(InstallAction.None, $"{clusterName}: {expected} is already running");
        }

        var others = running.Where(r => r != expected).ToList();
        if (others.Count > 0)
        {
            return new InstallDecision(
                InstallAction.Refuse,
                $"{clusterName}: the scenario expects {expected} but the cluster runs {string.Join(" and ", others)}" +
                (running.Contains(expected) ? $" alongside {expected}" : "") +
                "; refusing to install a second CNI. Use a cluster that runs only the expected CNI, or a fresh disposable one.");
        }

        return mayInstall
            ? new InstallDecision(InstallAction.Install, $"{clusterName}: no CNI found; installing {expected}")
            : new InstallDecision(
                InstallAction.Refuse,
                $"{clusterName}: no CNI is running and the cluster is not marked disposable; refusing to install {expected}. " +
                "Mark it 'disposable: true' in the scenario or pass --allow-install.");
    }
}
