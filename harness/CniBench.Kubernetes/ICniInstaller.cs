using CniBench.Core.Clusters;
using CniBench.Core.Scenarios;
using k8s;

namespace CniBench.Kubernetes;

/// <summary>
/// Makes sure the cluster runs the wanted CNI in the wanted mode: detects what runs, installs from the catalog when
/// allowed. The provider folds <c>--allow-install</c> into <see cref="KubernetesClusterSpec.Disposable"/>, so an
/// implementation installs or switches a variant on only when <c>cluster.Disposable</c> is true, and otherwise
/// refuses a mismatch.
/// </summary>
public interface ICniInstaller
{
    /// <summary>
    /// Throws <see cref="ClusterUnsupportedException"/> when <paramref name="id"/> names a variant the catalog cannot
    /// switch on for a real cluster, or one a cluster it may not change does not run.
    /// </summary>
    Task<CniInstallResult> EnsureInstalledAsync(IKubernetes client, ClusterId id, KubernetesClusterSpec cluster, CancellationToken cancellationToken);
}

/// <summary>What the installer found or did, as facts for run.json (e.g. <c>encryption: wireguard</c>).</summary>
public sealed record CniInstallResult(IReadOnlyDictionary<string, string> Facts)
{
    public static CniInstallResult None { get; } = new(new Dictionary<string, string>());
}
