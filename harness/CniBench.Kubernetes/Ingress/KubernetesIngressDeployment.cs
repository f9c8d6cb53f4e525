using System.Globalization;
using System.Net;
using System.Text;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Kubernetes.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Ingress;

/// <summary>
/// One ingress measurement on a real cluster: a catalog controller (installed or found by <see cref="IngressInstaller"/>),
/// two ClusterIP Services over backend pods, and the run's Ingress with the controller's IngressClass, all in the run
/// namespace. Clients load the controller's own Service. For a TLS request, a <c>kubernetes.io/tls</c> Secret (named
/// by the Ingress's <c>tls:</c> section) is created before the Ingress and clients load the Service's TLS port.
/// Disposing deletes the Ingress, then the Secret, then the Services; the controller stays, as an installed CNI does.
/// </summary>
public sealed class KubernetesIngressDeployment : IIngressDeployment
{
    /// <summary>The Ingress object's name in the run namespace.</summary>
    public const string IngressName = "cnb-ingress";

    /// <summary>The Secret type controllers read an Ingress's certificate from, and its two keys.</summary>
    public const string TlsSecretType = "kubernetes.io/tls";

    private const int LogTailLines = 12;

    /// <summary>A window this long of the key (as PEM or as the base64 a Secret carries) found in an error marks it as quoting the key.</summary>
    private const int KeyWindow = 24;
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
    private readonly string? _secretName;
    private int _disposed;

    private KubernetesIngressDeployment(
        IKubernetes client, string context, string ns, IngressControllerSpec controller, V1Ingress routeChanged, IServiceExposure web, IServiceExposure other,
        string? secretName, IPAddress address, int port, IReadOnlyDictionary<string, string> facts, string? podSelector, IReadOnlyDictionary<string, int> restarts)
    {
        _client = client;
        _secretName = secretName;
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
    /// backends are labelled at run time), for a TLS request the Secret with placeholder text instead of the
    /// certificate and key (<paramref name="request"/>'s own material is never rendered), and the Ingress before the route change.
    /// </summary>
    public static IReadOnlyList<IKubernetesObject> Objects(IngressDeploymentRequest request, string ns, string runId, IngressControllerSpec controller)
    {
        ArgumentNullException.ThrowIfNull(request);
        var port = new ServicePort("tcp", request.BackendPort) { Name = request.PortName };
        var ingress = RenderIngress(request.IngressYaml, ns, runId, controller);
        List<IKubernetesObject> objects =
        [
            Services.KubernetesServiceExposure.ServiceObject(ns, runId, new ServiceRequest(request.ServiceName, request.Backends, [port])),
            Services.KubernetesServiceExposure.ServiceObject(ns, runId, new ServiceRequest(request.OtherServiceName, request.Backends, [port])),
        ];
        if (request.Tls is not null)
        {
            var secret = SecretObject(ns, runId, TlsSecretName(ingress), new IngressTlsMaterial("", ""));
            secret.Data = null;
            secret.StringData = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tls.crt"] = "(a fresh self-signed certificate per measurement)",
                ["tls.key"] = "(its private key, made per measurement and never written elsewhere)",
            };
            objects.Add(secret);
        }

        objects.Add(ingress);
        return objects;
    }

    /// <summary>The <c>kubernetes.io/tls</c> Secret an Ingress's <c>tls:</c> section names, labelled with the run.</summary>
    public static V1Secret SecretObject(string ns, string runId, string name, IngressTlsMaterial tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [KubeLabels.Run] = KubeLabels.LabelValue(runId) },
            },
            Type = TlsSecretType,
            Data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(tls.CertificatePem),
                ["tls.key"] = Encoding.UTF8.GetBytes(tls.PrivateKeyPem),
            },
        };
    }

    /// <summary>The one Secret the Ingress's <c>tls:</c> section names; a TLS measurement without exactly one is a bug in the request.</summary>
    public static string TlsSecretName(V1Ingress ingress)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        var names = (ingress.Spec?.Tls ?? []).Select(t => t.SecretName).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 1
            ? names[0]
            : throw new ArgumentException($"a TLS measurement's Ingress must name exactly one Secret in its tls section; it names {(names.Count == 0 ? "none" : string.Join(", ", names))}", nameof(ingress));
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
        if (request.Tls is not null)
        {
            // Before the install: an entry that cannot serve the Ingress's Secret needs nothing installed to say so.
            ingress.RequireTls(request.Controller);
        }

        var installed = await ingress.EnsureInstalledAsync(client, request.Controller, cancellationToken);
        var controller = installed.Controller;
        var serviceRef = controller.Service
            ?? throw new ClusterUnsupportedException($"the catalog entry of ingress controller {controller.Name} names no Service that clients can reach it through");
        var loadPort = request.Tls is null ? serviceRef.Port : serviceRef.TlsPort ?? throw new ClusterUnsupportedException(ClusterIngress.NoTlsReason(controller));
        var (address, port) = await ControllerServiceAsync(client, context, serviceRef, loadPort, cancellationToken);
        var initial = RenderIngress(request.IngressYaml, ns, cluster.RunId, controller);
        var changed = RenderIngress(request.RouteChangedYaml, ns, cluster.RunId, controller);
        var secretName = request.Tls is null ? null : TlsSecretName(initial);
        var selector = await PodSelectorAsync(client, context, controller, cancellationToken);
        var restarts = await RestartsAsync(client, context, controller, selector, cancellationToken);

        var servicePort = new ServicePort("tcp", request.BackendPort) { Name = request.PortName };
        IServiceExposure? web = null;
        IServiceExposure? other = null;
        try
        {
            if (request.Tls is { } tls)
            {
                // Before the Ingress, so the controller never sees a tls section whose Secret is missing.
                await ApplySecretAsync(client, context, SecretObject(ns, cluster.RunId, secretName!, tls), tls, cancellationToken);
            }

            web = await cluster.ExposeAsync(new ServiceRequest(request.ServiceName, request.Backends, [servicePort]), cancellationToken);
            other = await cluster.ExposeAsync(new ServiceRequest(request.OtherServiceName, request.Backends, [servicePort]), cancellationToken);
            await ServerSideApply.ApplyAsync(client, context, initial, ns, cancellationToken);
            var facts = new Dictionary<string, string>(installed.Facts, StringComparer.Ordinal)
            {
                ["ingress.address"] = $"{address}:{port.ToString(CultureInfo.InvariantCulture)}",
            };
            if (secretName is not null)
            {
                facts["ingress.tls"] = $"terminated by the controller with Secret {ns}/{secretName} ({TlsSecretType}, a self-signed certificate made for the measurement)";
            }

            return new KubernetesIngressDeployment(client, context, ns, controller, changed, web, other, secretName, address, port, facts, selector, restarts);
        }
        catch (Exception)
        {
            await DeleteIngressQuietlyAsync(client, ns);
            if (secretName is not null)
            {
                await DeleteSecretQuietlyAsync(client, ns, secretName);
            }

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

        // The Ingress first, so the controller never routes to a Service or serves a Secret that no longer exists.
        await DeleteIngressQuietlyAsync(_client, _namespace);
        if (_secretName is not null)
        {
            await DeleteSecretQuietlyAsync(_client, _namespace, _secretName);
        }

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

    private static async Task DeleteSecretQuietlyAsync(IKubernetes client, string ns, string name)
    {
        using var bound = new CancellationTokenSource(DisposeTimeout);
        try
        {
            await client.CoreV1.DeleteNamespacedSecretAsync(name, ns, cancellationToken: bound.Token);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException)
        {
            // As for the Ingress: the run namespace's deletion removes it.
        }
    }

    /// <summary>
    /// Server-side applies the Secret. A failure is reported without the client's exception (its request holds the
    /// key) and, should the API server's answer quote the key, without that answer either.
    /// </summary>
    private static async Task ApplySecretAsync(IKubernetes client, string context, V1Secret secret, IngressTlsMaterial tls, CancellationToken cancellationToken)
    {
        var name = secret.Metadata.Name;
        var ns = secret.Metadata.NamespaceProperty;
        var what = $"applying Secret {ns}/{name} ({TlsSecretType})";
        try
        {
            await client.CoreV1.PatchNamespacedSecretAsync(
                new V1Patch(secret, V1Patch.PatchType.ApplyPatch), name, ns, fieldManager: KubeLabels.FieldManager, force: true, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            var message = KubeErrors.Describe(ex, context, what);
            throw new KubeOperationException(QuotesKey(message, tls)
                ? $"cluster '{context}' refused {what}; its answer quoted the private key, so it is not shown"
                : message);
        }
    }

    /// <summary>True when <paramref name="text"/> holds a piece of the key, as PEM or as the base64 of the PEM a Secret carries.</summary>
    internal static bool QuotesKey(string text, IngressTlsMaterial tls)
    {
        var pem = tls.PrivateKeyPem;
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
        var body = string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        return new[] { encoded, body }.Any(form => Windows(form).Any(w => text.Contains(w, StringComparison.Ordinal)));

        static IEnumerable<string> Windows(string form)
        {
            for (var i = 0; i + KeyWindow <= form.Length; i++)
            {
                yield return form.Substring(i, KeyWindow);
            }
        }
    }

    private static async Task<(IPAddress Address, int Port)> ControllerServiceAsync(
        IKubernetes client, string context, IngressServiceRef service, int port, CancellationToken cancellationToken)
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

        if (found.Spec?.Ports?.Any(p => p.Port == port) != true)
        {
            throw new KubeOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"cluster '{context}': {service} has no port {port}{(port == service.Port ? "" : " (the entry's tlsPort)")}; it has: {string.Join(", ", (found.Spec?.Ports ?? []).Select(p => p.Port))}"));
        }

        return (address, port);
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
