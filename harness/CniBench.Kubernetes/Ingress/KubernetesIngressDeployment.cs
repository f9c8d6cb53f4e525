using System.Globalization;
using System.Net;
using CniBench.Core.Catalog;
using CniBench.Core.Clusters;
using CniBench.Kubernetes.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Ingress;

/// <summary>
/// One ingress measurement on a real cluster: a catalog controller (installed or found by <see cref="IngressInstaller"/>),
/// two ClusterIP Services over backend pods, and the run's Ingress with the controller's IngressClass, all in the run
/// namespace. Clients load the controller's own Service. Disposing deletes the Ingress and the Services; the
/// controller stays, as an installed CNI does.
/// </summary>
public sealed class KubernetesIngressDeployment : IIngressDeployment
{
    /// <summary>The Ingress object's name in the run namespace.</summary>
    public const string IngressName = "cnb-ingress";

    private const int LogTailLines = 12;
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(30);

    private readonly IKubernetes _client;
    private readonly string _context;
    private readonly string _namespace;
    private readonly V1Ingress _routeChanged;
    private readonly IServiceExposure _web;
    private readonly IServiceExposure _other;
    private readonly IReadOnlyDictionary<string, int> _restartsAtStart;
    private readonly string? _podSelector;
    private readonly IngressControllerSpec _controller;
    private int _disposed;

    private KubernetesIngressDeployment(
        IKubernetes client, string context, string ns, IngressControllerSpec controller, V1Ingress routeChanged, IServiceExposure web, IServiceExposure other,
        IPAddress address, int port, IReadOnlyDictionary<string, string> facts, string? podSelector, IReadOnlyDictionary<string, int> restarts)
    {
        _client = client;
        _context = context;
        _namespace = ns;
        _controller = controller;
        _routeChanged = routeChanged;
        _web = web;
        _other = other;
        Address = address;
        Port = port;
        Facts = facts;
        _podSelector = podSelector;
        _restartsAtStart = restarts;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public IReadOnlyDictionary<string, string> Facts { get; }

    /// <summary>The Ingress as a run applies it: the request's YAML in the run namespace, with the controller's class and the run label.</summary>
    public static V1Ingress RenderIngress(string yaml, string ns, string runId, IngressControllerSpec controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        V1Ingress ingress;
        try
        {
            ingress = KubernetesYaml.Deserialize<V1Ingress>(yaml, strict: true);
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"the ingress test's Ingress is not a valid networking.k8s.io/v1 Ingress: {ex.Message}", nameof(yaml), ex);
        }

        ingress.ApiVersion = "networking.k8s.io/v1";
        ingress.Kind = "Ingress";
        ingress.Metadata ??= new V1ObjectMeta();
        ingress.Metadata.Name = IngressName;
        ingress.Metadata.NamespaceProperty = ns;
        ingress.Metadata.Labels = new Dictionary<string, string>(ingress.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [KubeLabels.Run] = KubeLabels.LabelValue(runId),
        };
        ingress.Spec ??= new V1IngressSpec();
        ingress.Spec.IngressClassName = controller.IngressClass.Name;
        return ingress;
    }

    /// <summary>
    /// The objects a measurement applies in the run namespace, for <c>cnibench render</c>: the two Services (their
    /// backends are labelled at run time) and the Ingress before the route change.
    /// </summary>
    public static IReadOnlyList<IKubernetesObject> Objects(IngressDeploymentRequest request, string ns, string runId, IngressControllerSpec controller)
    {
        ArgumentNullException.ThrowIfNull(request);
        var port = new ServicePort("tcp", request.BackendPort) { Name = request.PortName };
        return
        [
            Services.KubernetesServiceExposure.ServiceObject(ns, runId, new ServiceRequest(request.ServiceName, request.Backends, [port])),
            Services.KubernetesServiceExposure.ServiceObject(ns, runId, new ServiceRequest(request.OtherServiceName, request.Backends, [port])),
            RenderIngress(request.IngressYaml, ns, runId, controller),
        ];
    }

    /// <summary>
    /// Installs or finds the controller, reads its Service, creates the two Services and applies the Ingress.
    /// Whatever was created is removed again when a later step fails.
    /// </summary>
    internal static async Task<KubernetesIngressDeployment> CreateAsync(KubernetesCluster cluster, ClusterIngress ingress, IngressDeploymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = cluster.Client;
        var context = cluster.Context;
        var ns = cluster.Namespace;
        var installed = await ingress.EnsureInstalledAsync(client, request.Controller, cancellationToken);
        var controller = installed.Controller;
        var serviceRef = controller.Service
            ?? throw new ClusterUnsupportedException($"the catalog entry of ingress controller {controller.Name} names no Service that clients can reach it through");
        var (address, port) = await ControllerServiceAsync(client, context, serviceRef, cancellationToken);
        var initial = RenderIngress(request.IngressYaml, ns, cluster.RunId, controller);
        var changed = RenderIngress(request.RouteChangedYaml, ns, cluster.RunId, controller);
        var selector = await PodSelectorAsync(client, context, controller, cancellationToken);
        var restarts = await RestartsAsync(client, context, controller, selector, cancellationToken);

        var servicePort = new ServicePort("tcp", request.BackendPort) { Name = request.PortName };
        IServiceExposure? web = null;
        IServiceExposure? other = null;
        try
        {
            web = await cluster.ExposeAsync(new ServiceRequest(request.ServiceName, request.Backends, [servicePort]), cancellationToken);
            other = await cluster.ExposeAsync(new ServiceRequest(request.OtherServiceName, request.Backends, [servicePort]), cancellationToken);
            await ServerSideApply.ApplyAsync(client, context, initial, ns, cancellationToken);
            var facts = new Dictionary<string, string>(installed.Facts, StringComparer.Ordinal)
            {
                ["ingress.address"] = $"{address}:{port.ToString(CultureInfo.InvariantCulture)}",
            };
            return new KubernetesIngressDeployment(client, context, ns, controller, changed, web, other, address, port, facts, selector, restarts);
        }
        catch (Exception)
        {
            await DeleteIngressQuietlyAsync(client, ns);
            if (other is not null)
            {
                await other.DisposeAsync();
            }

            if (web is not null)
            {
                await web.DisposeAsync();
            }

            throw;
        }
    }

    public Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken) =>
        _web.SetBackendsAsync(backends, cancellationToken);

    public Task ChangeRouteAsync(CancellationToken cancellationToken) =>
        ServerSideApply.ApplyAsync(_client, _context, _routeChanged, _namespace, cancellationToken);

    public async Task<string?> ControllerProblemAsync(CancellationToken cancellationToken)
    {
        if (_podSelector is null)
        {
            return null;
        }

        var pods = await ControllerPodsAsync(_client, _context, _controller, _podSelector, cancellationToken);
        var problems = new List<string>();
        foreach (var (name, before) in _restartsAtStart)
        {
            var pod = pods.FirstOrDefault(p => p.Metadata.Name == name);
            if (pod is null)
            {
                problems.Add($"pod {name} is gone");
                continue;
            }

            var now = Restarts(pod);
            if (now > before)
            {
                var log = await LogTailAsync(pod, previous: true);
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"pod {name} restarted ({before} → {now} restarts){log}"));
            }
            else if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
            {
                problems.Add($"pod {name} is not Ready{await LogTailAsync(pod, previous: false)}");
            }
        }

        return problems.Count == 0 ? null : $"ingress controller {_controller.Name}: {string.Join("; ", problems)}";
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // The Ingress first, so the controller never routes to a Service that no longer exists.
        await DeleteIngressQuietlyAsync(_client, _namespace);
        await _other.DisposeAsync();
        await _web.DisposeAsync();
    }

    private static async Task DeleteIngressQuietlyAsync(IKubernetes client, string ns)
    {
        using var bound = new CancellationTokenSource(DisposeTimeout);
        try
        {
            await client.NetworkingV1.DeleteNamespacedIngressAsync(IngressName, ns, cancellationToken: bound.Token);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException)
        {
            // Not created yet, already gone, or the API is unreachable: the run namespace's deletion removes it.
        }
    }

    private static async Task<(IPAddress Address, int Port)> ControllerServiceAsync(IKubernetes client, string context, IngressServiceRef service, CancellationToken cancellationToken)
    {
        V1Service found;
        try
        {
            found = await client.CoreV1.ReadNamespacedServiceAsync(service.Name, service.Namespace, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new KubeOperationException($"cluster '{context}': the controller is ready but its {service} does not exist; is the catalog entry's 'service' right for this version?", ex);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, context, $"reading {service}"), ex);
        }

        if (!IPAddress.TryParse(found.Spec?.ClusterIP, out var address))
        {
            throw new KubeOperationException($"cluster '{context}': {service} has no ClusterIP ('{found.Spec?.ClusterIP}'), so pods cannot load it");
        }

        if (found.Spec?.Ports?.Any(p => p.Port == service.Port) != true)
        {
            throw new KubeOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"cluster '{context}': {service} has no port {service.Port}; it has: {string.Join(", ", (found.Spec?.Ports ?? []).Select(p => p.Port))}"));
        }

        return (address, service.Port);
    }

    private static async Task<string?> PodSelectorAsync(IKubernetes client, string context, IngressControllerSpec controller, CancellationToken cancellationToken)
    {
        // The first readiness workload is the data plane clients reach (the proxy Deployment or DaemonSet).
        return controller.Readiness.Count == 0 ? null : await InstallSteps.PodSelectorAsync(client, context, controller.Readiness[0], cancellationToken);
    }

    private static async Task<IReadOnlyDictionary<string, int>> RestartsAsync(
        IKubernetes client, string context, IngressControllerSpec controller, string? selector, CancellationToken cancellationToken)
    {
        if (selector is null)
        {
            return new Dictionary<string, int>();
        }

        var pods = await ControllerPodsAsync(client, context, controller, selector, cancellationToken);
        return pods.ToDictionary(p => p.Metadata.Name, Restarts, StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<V1Pod>> ControllerPodsAsync(
        IKubernetes client, string context, IngressControllerSpec controller, string selector, CancellationToken cancellationToken)
    {
        var ns = controller.Readiness[0].Namespace;
        var list = await KubeErrors.GuardAsync(
            () => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: cancellationToken),
            context,
            $"listing the pods of ingress controller {controller.Name} ({selector})");
        return [.. list.Items];
    }

    private static int Restarts(V1Pod pod) => (pod.Status?.ContainerStatuses ?? []).Sum(c => c.RestartCount);

    private async Task<string> LogTailAsync(V1Pod pod, bool previous)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, tailLines: LogTailLines, previous: previous, cancellationToken: bound.Token);
            using var reader = new StreamReader(stream);
            var lines = (await reader.ReadToEndAsync(bound.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? "" : ": " + string.Join(" | ", lines.TakeLast(LogTailLines));
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException or IOException)
        {
            return " (its log could not be read)";
        }
    }
}

/// <summary>What a cluster needs to run catalog ingress controllers: the installer and whether it may install on this cluster.</summary>
internal sealed class ClusterIngress(IngressInstaller installer, Core.Scenarios.KubernetesClusterSpec permitted)
{
    private readonly Dictionary<string, IngressInstallResult> _installed = new(StringComparer.Ordinal);
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
