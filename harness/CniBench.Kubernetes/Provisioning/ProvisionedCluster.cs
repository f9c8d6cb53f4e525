using CniBench.Core.Clusters;
using CniBench.Kubernetes.Metrics;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Kubernetes.Provisioning;

/// <summary>
/// A cluster CniBench created for the run: everything of <see cref="Cluster"/>, and disposing it destroys the cluster
/// after the run's namespaces are gone.
/// </summary>
public sealed class ProvisionedCluster : ICluster, INetpolCluster, IClusterTelemetry, IServiceCluster
{
    private readonly ClusterProvisioner _provisioner;
    private readonly IProgress<string>? _progress;
    private int _disposed;

    internal ProvisionedCluster(KubernetesCluster cluster, ClusterProvisioner provisioner, IProgress<string>? progress)
    {
        Cluster = cluster;
        _provisioner = provisioner;
        _progress = progress;
    }

    public KubernetesCluster Cluster { get; }

    public string Cni => Cluster.Cni;

    public string Description => Cluster.Description + ", provisioned for this run";

    public IReadOnlyList<ClusterNode> Nodes => Cluster.Nodes;

    public IReadOnlyDictionary<string, string> Facts => Cluster.Facts;

    /// <summary>Why the destroy command failed, after disposal; null when it succeeded or has not run.</summary>
    public string? DestroyFailure { get; private set; }

    public Task<NetpolDeployment> DeployAsync(ClusterModel model, CancellationToken cancellationToken) => Cluster.DeployAsync(model, cancellationToken);

    public Task<IServiceExposure> ExposeAsync(ServiceRequest request, CancellationToken cancellationToken) => Cluster.ExposeAsync(request, cancellationToken);

    public Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken) =>
        new KubeletSummarySampler(Cluster.Client, Cluster.Context).BeginAsync(request, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await Cluster.DisposeAsync();
        }
        finally
        {
            // The cluster goes even when deleting the namespaces failed: nothing of it is worth keeping.
            DestroyFailure = await _provisioner.DestroyAsync(_progress);
        }
    }

    public override string ToString() => Description;
}

/// <summary>Reaches the <see cref="KubernetesCluster"/> behind an <see cref="ICluster"/>, provisioned or not.</summary>
public static class KubernetesClusterLookup
{
    public static KubernetesCluster? AsKubernetes(this ICluster cluster) => cluster switch
    {
        KubernetesCluster kubernetes => kubernetes,
        ProvisionedCluster provisioned => provisioned.Cluster,
        _ => null,
    };
}
