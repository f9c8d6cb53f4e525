using System.Globalization;
using System.Net;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Provisioning;
using CniBench.Kubernetes.Workloads;
using CniBench.Processes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CniBench.Kubernetes;

public sealed record KubernetesProviderOptions
{
    public required KubernetesSpec Spec { get; init; }

    public required string RunId { get; init; }

    /// <summary><c>--allow-install</c>: install even on a cluster the scenario does not mark disposable.</summary>
    public bool AllowInstall { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Installs or checks the CNI; null skips that step (the cluster is taken as it is).</summary>
    public ICniInstaller? Installer { get; init; }

    public required IWorkloadSet Workloads { get; init; }

    /// <summary>Ready nodes needed: cross-node needs 2, same-node only 1 (with 2 pods on it).</summary>
    public int RequiredNodes { get; init; } = 2;

    /// <summary>How long disposal waits for the run's namespaces to disappear.</summary>
    public TimeSpan NamespaceGoneTimeout { get; init; } = KubeCleaner.DefaultGoneTimeout;

    /// <summary>Used when a pod's MTU cannot be read (no <c>cat</c> in the image).</summary>
    public int FallbackMtu { get; init; } = 1500;

    /// <summary>Runs the clusters' <c>provision</c> and <c>destroy</c> commands.</summary>
    public IProcessRunner ProvisionRunner { get; init; } = LocalProcessRunner.Instance;

    /// <summary>Where <c>{podCidr}</c> comes from (<c>kubernetes.podCidr.default</c>); null fails any command that uses it.</summary>
    public CniCatalog? Catalog { get; init; }

    /// <summary>Creating a cluster (e.g. kind pulling its node image) can take long on a slow link.</summary>
    public TimeSpan ProvisionTimeout { get; init; } = TimeSpan.FromMinutes(20);

    public TimeSpan DestroyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Installs or finds catalog ingress controllers for the ingress test; null makes that test unsupported.</summary>
    public Ingress.IngressInstaller? IngressInstaller { get; init; }

    /// <summary>How long a Service may take until its EndpointSlices list exactly its backends.</summary>
    public TimeSpan ServiceReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Real clusters, one per CNI (a kubeconfig context each): checks or installs the CNI, deploys the run's workloads
/// in a run-labelled namespace, waits on a watch until they are Ready, and hands out pods reached through exec.
/// </summary>
public sealed class KubernetesProvider(KubernetesProviderOptions options) : IClusterProvider
{
    private static readonly TimeSpan MtuProbeTimeout = TimeSpan.FromSeconds(20);

    public string Name => "kubernetes";

    async Task<ICluster> IClusterProvider.CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ClusterFor(request).Provision is null
            ? await CreateAsync(request, progress, cancellationToken)
            : await CreateProvisionedAsync(request, progress, cancellationToken);
    }

    /// <summary>Deploys the run on the CNI's existing cluster (its <c>context</c>).</summary>
    public async Task<KubernetesCluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clusterSpec = ClusterFor(request);
        if (clusterSpec.Provision is not null)
        {
            throw new InvalidOperationException($"the cluster for '{request.Cni}' is provisioned for the run: create it with {nameof(CreateProvisionedAsync)}, which also destroys it");
        }

        if (clusterSpec.Context is null)
        {
            throw new KubeOperationException($"the cluster for '{request.Cni}' has neither a context nor a provision command");
        }

        return await DeployAsync(request, clusterSpec, progress, cancellationToken);
    }

    /// <summary>
    /// Runs the CNI's <c>provision</c> command, then deploys as <see cref="CreateAsync"/> does on its <c>context</c>
    /// (or, without one, the kubeconfig's current context, which provisioners such as kind switch to). The
    /// <c>destroy</c> command runs when the result is disposed, and at once if anything after provisioning fails.
    /// </summary>
    public async Task<ProvisionedCluster> CreateProvisionedAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clusterSpec = ClusterFor(request);
        if (clusterSpec.Provision is null)
        {
            throw new InvalidOperationException($"the cluster for '{request.Cni}' has no provision command");
        }

        if (!clusterSpec.Disposable)
        {
            throw new ProvisioningException(
                $"the cluster for '{request.Cni}' has a provision command but is not marked 'disposable: true'; a cluster CniBench creates " +
                "and destroys is disposable by nature: mark it so, or drop 'provision'/'destroy' and name an existing context");
        }

        // {cni} names the cluster: a variant gets its own (calico-wireguard), since its mode must not leak into the default's.
        var provisionedName = request.Id.ToString().Replace(ClusterId.Separator, '-');
        var provisioner = new ClusterProvisioner(
            options.ProvisionRunner, provisionedName, clusterSpec, () => ProvisionerCommand.PodCidrFor(options.Catalog, request.Cni), options.ProvisionTimeout, options.DestroyTimeout);
        try
        {
            // Bad quoting or a missing pod CIDR fails here, before a cluster exists that would need destroying.
            provisioner.Validate();
        }
        catch (Exception ex) when (ex is CommandLineException or InvalidOperationException)
        {
            throw new ProvisioningException($"the provision/destroy commands of '{request.Cni}' cannot run: {ex.Message}", ex);
        }

        try
        {
            await provisioner.ProvisionAsync(progress, cancellationToken);
            var cluster = await DeployAsync(request, clusterSpec, progress, cancellationToken);
            return new ProvisionedCluster(cluster, provisioner, progress);
        }
        catch (Exception)
        {
            // Also after a failed or cancelled provision: it may have left half a cluster behind.
            await provisioner.DestroyAsync(progress);
            throw;
        }
    }

    private async Task<KubernetesCluster> DeployAsync(ClusterRequest request, KubernetesClusterSpec clusterSpec, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var connection = KubeContexts.Connect(options.Spec.Kubeconfig, clusterSpec.Context);
        var context = connection.Context;
        var client = connection.Client;
        var ns = KubeLabels.RunNamespace(options.RunId);
        var created = false;
        try
        {
            var installed = CniInstallResult.None;
            var permitted = clusterSpec with { Disposable = clusterSpec.Disposable || options.AllowInstall };
            if (request.Cni != Underlay.Name && options.Installer is { } installer)
            {
                progress?.Report($"{context}: making sure {request.Id} runs");
                installed = await installer.EnsureInstalledAsync(client, request.Id, permitted, cancellationToken);
            }
            else if (request.Variant is { } variant)
            {
                // Without an installer nothing reads the catalog's settings: the cluster is taken as it is.
                installed = new CniInstallResult(new Dictionary<string, string>
                {
                    ["variant"] = variant,
                    ["variant.verified"] = "no: no CNI installer configured, the cluster was taken as it is",
                });
            }

            var nodes = await ReadyNodesAsync(client, context, request.Shape, cancellationToken);
            progress?.Report($"{context}: creating namespace {ns} on {nodes.Count} nodes");
            created = true;
            await CreateNamespaceAsync(client, context, ns, cancellationToken);

            var workload = new WorkloadContext(options.RunId, ns, [.. nodes.Select(n => n.Metadata.Name)], options.Spec.Images)
            {
                PodsPerNode = Math.Max(WorkloadNames.PodsPerNode, request.Shape.PodsPerNode),
            };
            var objects = options.Workloads.Objects(workload);
            foreach (var item in objects)
            {
                await ServerSideApply.ApplyAsync(client, context, item, ns, cancellationToken);
            }

            foreach (var podNamespace in ServerSideApply.Namespaces(objects, ns))
            {
                var expected = objects.OfType<V1Pod>().Count(p => (p.Metadata.NamespaceProperty ?? ns) == podNamespace);
                progress?.Report($"{context}: waiting for {expected} pods in {podNamespace} to be Ready");
                await PodReadiness.WaitAsync(client, context, podNamespace, expected, options.Spec.ReadyTimeout, options.TimeProvider, cancellationToken);
            }

            var hosts = await HostsAsync(connection, ns, nodes, cancellationToken);
            var facts = new Dictionary<string, string>(await ClusterFacts.CollectAsync(client, context, connection.Server, request.Cni, nodes, cancellationToken), StringComparer.Ordinal);
            foreach (var (key, value) in installed.Facts)
            {
                facts[key] = value;
            }

            progress?.Report($"{context}: ready");
            return new KubernetesCluster(request.Id.ToString(), connection, options.RunId, ns, hosts, facts, options.TimeProvider, options.NamespaceGoneTimeout)
            {
                ServiceReadyTimeout = options.ServiceReadyTimeout,
                Ingress = options.IngressInstaller is { } ingress ? new Ingress.ClusterIngress(ingress, permitted) : null,
            };
        }
        catch (Exception)
        {
            // Nothing is left behind: the run's namespaces go even when the caller's token is cancelled.
            if (created)
            {
                await DeleteQuietlyAsync(connection);
            }

            connection.Dispose();
            throw;
        }
    }

    /// <summary>The scenario keys clusters by its <c>cnis:</c> entry, so <c>calico+wireguard</c> has a cluster of its own.</summary>
    private KubernetesClusterSpec ClusterFor(ClusterRequest request)
    {
        var cni = request.Id.ToString();
        if (options.Spec.Clusters.TryGetValue(cni, out var spec))
        {
            return spec;
        }

        // The underlay baseline needs no CNI of its own: any of the scenario's clusters carries hostNetwork pods.
        // It comes up before the CNIs, so a cluster provisioned for a CNI does not exist yet and cannot serve.
        if (cni == Underlay.Name && options.Spec.Clusters.Count > 0)
        {
            var existing = options.Spec.Clusters.Where(c => c.Value.Provision is null).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            return existing.Count > 0
                ? existing[0].Value
                : throw new KubeOperationException(
                    "the underlay baseline runs on an existing cluster with a working CNI, but every cluster of the scenario is provisioned " +
                    "for its CNI during the run; give one CNI an existing 'context' without 'provision', or set 'underlay: false'");
        }

        throw new KubeOperationException($"the scenario's kubernetes.clusters has no entry for '{cni}'; it has: {string.Join(", ", options.Spec.Clusters.Keys.Order(StringComparer.Ordinal))}");
    }

    private async Task<IReadOnlyList<V1Node>> ReadyNodesAsync(IKubernetes client, string context, ClusterShape shape, CancellationToken cancellationToken)
    {
        var list = await KubeErrors.GuardAsync(() => client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken), context, "listing nodes");
        var usable = list.Items.Where(WorkloadNodes.IsUsable).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        if (usable.Count < options.RequiredNodes)
        {
            throw new KubeOperationException(
                $"cluster '{context}' has {usable.Count} Ready schedulable nodes of {list.Items.Count}, but the tests need {options.RequiredNodes} " +
                "(same-node needs 1 node with 2 pods, cross-node needs 2 nodes)");
        }

        return [.. usable.Take(Math.Max(options.RequiredNodes, Math.Min(shape.Nodes, usable.Count)))];
    }

    private async Task CreateNamespaceAsync(IKubernetes client, string context, string ns, CancellationToken cancellationToken)
    {
        var body = new V1Namespace
        {
            Metadata = new V1ObjectMeta
            {
                Name = ns,
                Labels = new Dictionary<string, string> { [KubeLabels.Run] = KubeLabels.LabelValue(options.RunId) },
            },
        };
        try
        {
            await KubeErrors.GuardAsync(() => client.CoreV1.CreateNamespaceAsync(body, cancellationToken: cancellationToken), context, $"creating namespace {ns}");
        }
        catch (KubeOperationException ex) when (ex.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict })
        {
            // The run's namespace from an earlier attempt (a resumed run) may still be Terminating: the API server keeps
            // it, and refuses new content in it with 403, until the namespace controller has deleted its content. Wait
            // for it to go, then create it afresh; an Active one is a real clash and stays an error.
            if (!await IsTerminatingOrGoneAsync(client, ns, cancellationToken))
            {
                throw;
            }

            await KubeCleaner.WaitGoneAsync(client, context, null, [ns], options.NamespaceGoneTimeout, options.TimeProvider, cancellationToken);
            await KubeErrors.GuardAsync(() => client.CoreV1.CreateNamespaceAsync(body, cancellationToken: cancellationToken), context, $"creating namespace {ns}");
        }
    }

    /// <remarks>
    /// Gone counts too: the namespace controller can finish between the create's 409 and this read, and then the
    /// namespace is simply to be created again.
    /// </remarks>
    private static async Task<bool> IsTerminatingOrGoneAsync(IKubernetes client, string ns, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: cancellationToken)).Status?.Phase == "Terminating";
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            // Unreadable: the conflict stands as it was reported.
            return false;
        }
    }

    private async Task<IReadOnlyList<ClusterNode>> HostsAsync(KubeConnection connection, string ns, IReadOnlyList<V1Node> nodes, CancellationToken cancellationToken)
    {
        var pods = await KubeErrors.GuardAsync(
            () => connection.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: KubeLabels.Role, cancellationToken: cancellationToken),
            connection.Context,
            $"listing workload pods in namespace {ns}");
        var result = new List<ClusterNode>();
        foreach (var node in nodes)
        {
            var nodeName = node.Metadata.Name;
            var onNode = pods.Items.Where(p => p.Spec?.NodeName == nodeName).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
            var workloads = new List<IWorkloadHost>();
            foreach (var pod in onNode.Where(p => Role(p) == KubeLabels.Iperf3Role))
            {
                workloads.Add(await HostAsync(connection, ns, pod, nodeName, cancellationToken));
            }

            var hostPod = onNode.FirstOrDefault(p => Role(p) == KubeLabels.HostNetworkRole);
            IWorkloadHost hostNetwork = hostPod is null
                ? new MissingHostNetwork(nodeName, nodeName)
                : await HostAsync(connection, ns, hostPod, nodeName, cancellationToken);
            result.Add(new ClusterNode(nodeName, hostNetwork, workloads));
        }

        return result;
    }

    private async Task<PodWorkloadHost> HostAsync(KubeConnection connection, string ns, V1Pod pod, string nodeName, CancellationToken cancellationToken)
    {
        var name = pod.Metadata.Name;
        var runner = new PodExecRunner(connection.Client, connection.Context, ns, name);
        var address = IPAddress.TryParse(pod.Status?.PodIP, out var ip) ? ip : IPAddress.None;
        return new PodWorkloadHost(name, nodeName, address, await MtuAsync(runner, cancellationToken), runner);
    }

    private async Task<int> MtuAsync(PodExecRunner runner, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(new ProcessSpec("cat", ["/sys/class/net/eth0/mtu"]) { Timeout = MtuProbeTimeout }, cancellationToken);
        }
        catch (KubeOperationException)
        {
            // An image without cat: the MTU is a recorded detail, not a reason to fail the run.
            return options.FallbackMtu;
        }

        return result.Succeeded && int.TryParse(result.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) ? mtu : options.FallbackMtu;
    }

    private static string? Role(V1Pod pod) => pod.Metadata.Labels is { } labels && labels.TryGetValue(KubeLabels.Role, out var role) ? role : null;

    private async Task DeleteQuietlyAsync(KubeConnection connection)
    {
        try
        {
            await RunTeardown.DeleteRunAsync(connection, options.RunId, options.NamespaceGoneTimeout, options.TimeProvider);
        }
        catch (Exception ex) when (ex is KubeOperationException or TimeoutException or OperationCanceledException)
        {
            // The original failure matters more; 'cnibench clean' removes what is left.
        }
    }
}
