using CniBench.Core.Scenarios;
using k8s;

namespace CniBench.Kubernetes;

/// <summary>
/// Makes sure the cluster runs the wanted CNI: detects what runs, installs from the catalog when allowed.
/// The provider folds <c>--allow-install</c> into <see cref="KubernetesClusterSpec.Disposable"/>, so an
/// implementation installs only when <c>cluster.Disposable</c> is true and otherwise refuses a mismatch.
/// </summary>
public interface ICniInstaller
{
    Task EnsureInstalledAsync(IKubernetes client, string cni, KubernetesClusterSpec cluster, CancellationToken cancellationToken);
}
