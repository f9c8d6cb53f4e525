using CniBench.Catalog;
using CniBench.Core.Clusters;
using k8s;

namespace CniBench.Kubernetes.Ingress;

/// <summary>What a cluster needs to run catalog ingress controllers: the installer and whether it may install on this cluster.</summary>
internal sealed class ClusterIngress(IngressInstaller installer, Core.Scenarios.KubernetesClusterSpec permitted)
{
    private readonly Dictionary<string, IngressInstallResult> _installed = new(StringComparer.Ordinal);

    /// <summary>The <c>unsupported</c> reason of a <c>-tls</c> variant for an entry with no <c>service.tlsPort</c>.</summary>
    public static string NoTlsReason(IngressControllerSpec controller) =>
        $"ingress controller {controller.Name} has no TLS port in its catalog entry (service.tlsPort), so its TLS variant cannot run on a cluster" +
        (controller.Service?.TlsUnavailable is { } why ? ": " + why : "");

    /// <summary>Throws <see cref="ClusterUnsupportedException"/> when the catalog entry cannot serve the Ingress's TLS Secret; an unknown name is left to the install.</summary>
    public void RequireTls(string controller)
    {
        if (installer.Catalog.TryGet(controller, out var entry) && entry.Service is { TlsPort: null })
        {
            throw new ClusterUnsupportedException(NoTlsReason(entry));
        }
    }
    private readonly Dictionary<string, System.Runtime.ExceptionServices.ExceptionDispatchInfo> _failed = new(StringComparer.Ordinal);

    /// <summary>
    /// Once per controller and cluster: later measurements reuse the first result, and a failed install fails them
    /// at once instead of waiting out the ready timeout again. Measurements run one at a time, so no lock is needed.
    /// </summary>
    public async Task<IngressInstallResult> EnsureInstalledAsync(IKubernetes client, string controller, CancellationToken cancellationToken)
    {
        if (_installed.TryGetValue(controller, out var result))
        {
            return result;
        }

        _failed.GetValueOrDefault(controller)?.Throw();
        try
        {
            result = await installer.EnsureInstalledAsync(client, controller, permitted, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failed[controller] = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            throw;
        }

        _installed[controller] = result;
        return result;
    }
}
