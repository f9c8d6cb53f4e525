using CniBench.Core.Clusters;
using CniBench.Kubernetes.Ingress;
using CniBench.Kubernetes.Metrics;
using CniBench.Kubernetes.Netpol;
using CniBench.Kubernetes.Services;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using k8s;

namespace CniBench.Kubernetes;

/// <summary>A run's workloads on a real cluster. Disposing deletes the run's namespaces and waits until they are gone.</summary>
public sealed class KubernetesCluster : ICluster, INetpolCluster, IClusterTelemetry, IServiceCluster, IIngressCluster
{
    private readonly KubeConnection _connection;
    private readonly TimeProvider _time;
    private readonly TimeSpan _goneTimeout;
    private int _disposed;

    internal KubernetesCluster(
        string cni, KubeConnection connection, string runId, string ns, IReadOnlyList<ClusterNode> nodes,
        IReadOnlyDictionary<string, string> facts, TimeProvider time, TimeSpan goneTimeout)
    {
        Cni = cni;
        _connection = connection;
        RunId = runId;
        Namespace = ns;
        Nodes = nodes;
        Facts = facts;
        _time = time;
        _goneTimeout = goneTimeout;
    }

    public string Cni { get; }

    public string RunId { get; }

    /// <summary>The run namespace, e.g. <c>cnibench-3fa2</c>.</summary>
    public string Namespace { get; }

    public string Context => _connection.Context;

    public IKubernetes Client => _connection.Client;

    public string Description => $"kubernetes: context {Context}, namespace {Namespace}, {Nodes.Count} nodes";

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public IReadOnlyDictionary<string, string> Facts { get; }

    /// <summary>How long <see cref="ExposeAsync"/> and a backend change wait for the Service's EndpointSlices.</summary>
    public TimeSpan ServiceReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A ClusterIP Service in the run namespace over exactly the requested backend pods (see <see cref="KubernetesServiceExposure"/>).</summary>
    public async Task<IServiceExposure> ExposeAsync(ServiceRequest request, CancellationToken cancellationToken) =>
        await KubernetesServiceExposure.CreateAsync(Client, Context, Namespace, RunId, request, _time, ServiceReadyTimeout, cancellationToken);

    /// <summary>Installs catalog ingress controllers; null when the run has no ingress installer.</summary>
    internal ClusterIngress? Ingress { get; init; }

    /// <summary>A catalog controller with the run's Ingress and Services (see <see cref="KubernetesIngressDeployment"/>).</summary>
    public async Task<IIngressDeployment> DeployIngressAsync(IngressDeploymentRequest request, CancellationToken cancellationToken) =>
        Ingress is { } ingress
            ? await KubernetesIngressDeployment.CreateAsync(this, ingress, request, cancellationToken)
            : throw new ClusterUnsupportedException("this run has no ingress controller installer (manifests/ingress/ was not loaded)");

    /// <summary>Finds the agnhost pods of the default model (deployed with the run's workloads); custom models are refused.</summary>
    public Task<NetpolDeployment> DeployAsync(ClusterModel model, CancellationToken cancellationToken) =>
        KubernetesNetpolDeployer.DeployAsync(Client, Context, RunId, Namespace, model, _time, cancellationToken);

    /// <summary>Node CPU and memory from the kubelets' summary API around each measurement (see <see cref="KubeletSummarySampler"/>).</summary>
    public Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken) =>
        new KubeletSummarySampler(Client, Context).BeginAsync(request, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            // Runs on success, failure and Ctrl-C alike, so it never takes the caller's (maybe cancelled) token.
            await RunTeardown.DeleteRunAsync(_connection, RunId, _goneTimeout, _time);
        }
        finally
        {
            _connection.Dispose();
        }
    }

    public override string ToString() => Description;
}

internal static class RunTeardown
{
    public static Task DeleteRunAsync(KubeConnection connection, string runId, TimeSpan goneTimeout, TimeProvider time) =>
        KubeCleaner.DeleteNamespacesAsync(connection.Client, connection.Context, $"{KubeLabels.Run}={KubeLabels.LabelValue(runId)}", goneTimeout, time, CancellationToken.None);
}
