using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Services;

/// <summary>
/// A real ClusterIP Service in the run namespace, made for one measurement: its name is the request's plus a random
/// suffix, so a slice of an earlier Service that garbage collection has not removed yet never stands for it. Its
/// selector is a label of its own (<c>svc.cnibench.io/&lt;name&gt;=backend</c>) that only the chosen backend pods
/// carry, so other pods with the same role never receive its traffic; changing the backends relabels pods. It is
/// ready when the EndpointSlices <em>owned by this Service's UID</em> list exactly the backends' addresses with every
/// port, and then, when the request names the client pod, once that pod reaches the ClusterIP: a ready
/// EndpointSlice does not mean kube-proxy (or the CNI's replacement) has programmed the address on the client's node.
/// </summary>
public sealed partial class KubernetesServiceExposure : IServiceExposure
{
    public const string LabelPrefix = "svc.cnibench.io/";

    public const string BackendValue = "backend";

    /// <summary>The extra TCP port the reachability probe connects to, served on a backend by a listener of its own.</summary>
    public const int ReadinessPort = 18099;

    public const string ReadinessPortName = "cnb-ready";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(30);

    private readonly IKubernetes _client;
    private readonly string _context;
    private readonly string _namespace;
    private readonly ServiceRequest _request;
    private readonly TimeProvider _time;
    private readonly TimeSpan _readyTimeout;
    private readonly string _uid;
    private int _disposed;

    private KubernetesServiceExposure(IKubernetes client, string context, string ns, ServiceRequest request, IPAddress address, string uid, TimeProvider time, TimeSpan readyTimeout)
    {
        _uid = uid;
        _client = client;
        _context = context;
        _namespace = ns;
        _request = request;
        Address = address;
        Backends = request.Backends;
        _time = time;
        _readyTimeout = readyTimeout;
    }

    public IPAddress Address { get; }

    public IReadOnlyList<IWorkloadHost> Backends { get; private set; }

    public string Name => _request.Name;

    /// <summary>From applying the Service until its slices were ready and (with a client) the client reached it.</summary>
    public TimeSpan? ReadyWait { get; private set; }

    /// <summary>A Service name of its own for one measurement: <paramref name="name"/> (shortened to fit) plus a random suffix.</summary>
    public static string UniqueName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        return $"{name[..Math.Min(name.Length, 63 - 7)].TrimEnd('-')}-{suffix}";
    }

    /// <summary>The label only this Service's backends carry, e.g. <c>svc.cnibench.io/cnb-tcp</c>.</summary>
    public string SelectorLabel => LabelPrefix + _request.Name;

    /// <summary>The Service object a run applies for <paramref name="request"/> (also what <c>cnibench render</c> prints).</summary>
    public static V1Service ServiceObject(string ns, string runId, ServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta
            {
                Name = request.Name,
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { [KubeLabels.Run] = KubeLabels.LabelValue(runId) },
            },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = new Dictionary<string, string> { [LabelPrefix + request.Name] = BackendValue },
                Ports = [.. request.Ports.Select(p => new V1ServicePort
                {
                    Name = p.Name ?? string.Create(CultureInfo.InvariantCulture, $"{p.Protocol}-{p.Port}"),
                    Protocol = p.Protocol.ToUpperInvariant(),
                    Port = p.Port,
                    TargetPort = p.Port,
                })],
            },
        };
    }

    /// <summary>Labels the backends, creates the Service and waits until its EndpointSlices list them; cleans up on failure.</summary>
    public static async Task<KubernetesServiceExposure> CreateAsync(
        IKubernetes client, string context, string ns, string runId, ServiceRequest request, TimeProvider time, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var started = time.GetTimestamp();
        request = request.UniqueName ? request with { Name = UniqueName(request.Name) } : request;
        var label = LabelPrefix + request.Name;
        var service = ServiceObject(ns, runId, request);
        if (request.Client is not null)
        {
            service.Spec.Ports.Add(new V1ServicePort { Name = ReadinessPortName, Protocol = "TCP", Port = ReadinessPort, TargetPort = ReadinessPort });
        }

        var labelled = new List<IWorkloadHost>();
        var serviceApplied = false;
        try
        {
            foreach (var backend in request.Backends)
            {
                labelled.Add(backend);
                await SetLabelAsync(client, context, ns, label, backend, BackendValue, cancellationToken);
            }

            serviceApplied = true;
            await ServerSideApply.ApplyAsync(client, context, service, ns, cancellationToken);
            var read = await KubeErrors.GuardAsync(() => client.CoreV1.ReadNamespacedServiceAsync(request.Name, ns, cancellationToken: cancellationToken), context, $"reading Service {ns}/{request.Name}");
            if (!IPAddress.TryParse(read.Spec?.ClusterIP, out var address))
            {
                throw new KubeOperationException($"cluster '{context}': Service {ns}/{request.Name} has no ClusterIP ('{read.Spec?.ClusterIP}')");
            }

            if (string.IsNullOrEmpty(read.Metadata?.Uid))
            {
                throw new KubeOperationException($"cluster '{context}': Service {ns}/{request.Name} has no metadata.uid to match its EndpointSlices by");
            }

            var exposure = new KubernetesServiceExposure(client, context, ns, request, address, read.Metadata.Uid, time, readyTimeout);
            await exposure.WaitForEndpointsAsync(cancellationToken);
            if (request.Client is { } clientPod)
            {
                await exposure.WaitReachableAsync(clientPod, cancellationToken);
            }

            exposure.ReadyWait = time.GetElapsedTime(started);
            return exposure;
        }
        catch (Exception)
        {
            await CleanUpAsync(client, ns, request.Name, label, labelled, serviceApplied);
            throw;
        }
    }

    public async Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        Validate(_request with { Backends = backends });

        // New backends first, so the Service never has none while it changes.
        foreach (var added in backends.Where(b => !Backends.Any(o => PodName(o) == PodName(b))))
        {
            await SetLabelAsync(_client, _context, _namespace, SelectorLabel, added, BackendValue, cancellationToken);
        }

        foreach (var removed in Backends.Where(o => !backends.Any(b => PodName(b) == PodName(o))))
        {
            await SetLabelAsync(_client, _context, _namespace, SelectorLabel, removed, null, cancellationToken);
        }

        Backends = backends;
        await WaitForEndpointsAsync(cancellationToken);
    }

    /// <summary>Deletes the Service and takes the label off its backends; never uses the caller's token (runs after Ctrl-C too).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await CleanUpAsync(_client, _namespace, _request.Name, SelectorLabel, Backends, serviceApplied: true);
    }

    private static async Task CleanUpAsync(IKubernetes client, string ns, string name, string label, IReadOnlyList<IWorkloadHost> labelled, bool serviceApplied)
    {
        using var bound = new CancellationTokenSource(DisposeTimeout);
        try
        {
            if (serviceApplied)
            {
                await client.CoreV1.DeleteNamespacedServiceAsync(name, ns, cancellationToken: bound.Token);
            }
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException)
        {
            // Already gone, or the API is unreachable: the run namespace's deletion removes it in any case.
        }

        foreach (var backend in labelled)
        {
            try
            {
                await client.CoreV1.PatchNamespacedPodAsync(LabelPatch(label, null), PodName(backend), ns, cancellationToken: bound.Token);
            }
            catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException)
            {
                // A label left on a pod of a namespace about to be deleted selects nothing once the Service is gone.
            }
        }
    }

    private async Task WaitForEndpointsAsync(CancellationToken cancellationToken)
    {
        var want = Backends.Select(b => b.Address.ToString()).ToHashSet(StringComparer.Ordinal);
        var deadline = _time.GetUtcNow() + _readyTimeout;
        var selector = $"kubernetes.io/service-name={_request.Name}";
        while (true)
        {
            var listed = await KubeErrors.GuardAsync(
                () => _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(_namespace, labelSelector: selector, cancellationToken: cancellationToken),
                _context,
                $"listing the EndpointSlices of Service {_namespace}/{_request.Name}");
            var slices = OwnedBy(listed.Items, _uid);
            var have = slices
                .SelectMany(s => s.Endpoints ?? [])
                .Where(e => e.Conditions?.Ready != false)
                .SelectMany(e => e.Addresses ?? [])
                .ToHashSet(StringComparer.Ordinal);
            var ports = slices.SelectMany(s => s.Ports ?? []).Select(p => (p.Port, (p.Protocol ?? "TCP").ToUpperInvariant())).ToHashSet();
            var portsListed = _request.Ports.All(p => ports.Contains((p.Port, p.Protocol.ToUpperInvariant())));
            if (have.SetEquals(want) && portsListed)
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new KubeOperationException(
                    $"cluster '{_context}': Service {_namespace}/{_request.Name} is not ready after {_readyTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s: " +
                    $"its EndpointSlices list ready addresses [{string.Join(", ", have.Order(StringComparer.Ordinal))}]{(portsListed ? "" : " without every port")}, " +
                    $"the backends are [{string.Join(", ", Backends.Select(b => $"{b.Name} {b.Address}"))}] (are they Ready, and is the EndpointSlice controller running?)");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    /// <summary>
    /// The slices whose owner is the Service with <paramref name="uid"/>. The EndpointSlice controller labels each slice
    /// with <c>kubernetes.io/service-name</c> and makes the Service its controlling owner
    /// (kubernetes/kubernetes staging/src/k8s.io/endpointslice/utils.go, newEndpointSlice and ownerRef); the label
    /// alone also matches a slice of a deleted Service of the same name that garbage collection has not removed yet.
    /// </summary>
    internal static IReadOnlyList<V1EndpointSlice> OwnedBy(IEnumerable<V1EndpointSlice> slices, string uid) =>
        [.. slices.Where(s => s.Metadata?.OwnerReferences?.Any(o => o.Kind == "Service" && o.Uid == uid) == true)];

    /// <summary>
    /// Waits until <paramref name="clientPod"/> opens a TCP connection to the ClusterIP's readiness port, served on a
    /// backend by an iperf3 server of its own for the duration. A connection proves the path end to end; refused or
    /// timed out means kube-proxy (or the CNI's replacement of it) has not programmed the address on that node yet.
    /// The probe uses bash's /dev/tcp (the workload image is Debian-based) under coreutils' timeout, so it is bounded.
    /// </summary>
    private async Task WaitReachableAsync(IWorkloadHost clientPod, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _readyTimeout;
        await using var listener = Backends[0].Runner.Start(new ProcessSpec("iperf3", ["-s", "-p", ReadinessPort.ToString(CultureInfo.InvariantCulture)]) { Timeout = _readyTimeout + ProbeTimeout });
        var probe = ReachabilityProbe(Address, ReadinessPort);
        string last = "not tried";
        while (true)
        {
            try
            {
                var result = await clientPod.Runner.RunAsync(probe, cancellationToken);
                if (result.ExitCode == 0)
                {
                    return;
                }

                last = $"exit {result.ExitCode.ToString(CultureInfo.InvariantCulture)} {result.StandardError.Trim()}".Trim();
            }
            catch (Exception ex) when (ex is ProcessTimeoutException or KubeOperationException)
            {
                last = ex.Message;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                var served = listener.Completion.IsCompleted ? $"; the readiness listener on {Backends[0].Name} ended: {(await listener.Completion).StandardError.Trim()}" : string.Empty;
                throw new KubeOperationException(
                    $"cluster '{_context}': pod {clientPod.Name} could not reach Service {_namespace}/{_request.Name} at {Address}:{ReadinessPort.ToString(CultureInfo.InvariantCulture)} " +
                    $"within {_readyTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s although its EndpointSlices list the backends (last probe: {last}){served}; is kube-proxy (or the CNI's replacement) running on node {clientPod.NodeName}?");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    /// <summary>One bounded TCP connect from a pod: exit 0 when it connects.</summary>
    public static ProcessSpec ReachabilityProbe(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new ProcessSpec("timeout", ["2", "bash", "-c", string.Create(CultureInfo.InvariantCulture, $"exec 3<>/dev/tcp/{address}/{port}")]) { Timeout = ProbeTimeout };
    }

    // A merge patch, not server-side apply: an apply of only the labels by the field manager that applied the pod
    // would give up its ownership of everything else in the pod.
    private static async Task SetLabelAsync(IKubernetes client, string context, string ns, string label, IWorkloadHost backend, string? value, CancellationToken cancellationToken)
    {
        var pod = PodName(backend);
        await KubeErrors.GuardAsync(
            () => client.CoreV1.PatchNamespacedPodAsync(LabelPatch(label, value), pod, ns, cancellationToken: cancellationToken),
            context,
            value is null ? $"removing label {label} from pod {ns}/{pod}" : $"labelling pod {ns}/{pod} as a backend ({label})");
    }

    /// <summary>A JSON merge patch of one label; null removes it.</summary>
    private static V1Patch LabelPatch(string label, string? value) =>
        new(
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [label] = value } } }.ToJsonString(),
            V1Patch.PatchType.MergePatch);

    private static string PodName(IWorkloadHost host) => host is PodWorkloadHost pod
        ? pod.Name
        : throw new ArgumentException($"'{host.Name}' is not a pod of a Kubernetes cluster, so it cannot be a Service backend", nameof(host));

    private static void Validate(ServiceRequest request)
    {
        var errors = new List<string>();
        if (!ServiceName().IsMatch(request.Name))
        {
            errors.Add($"'{request.Name}' is not a valid Service name (lower-case letters, digits and '-', starting with a letter, at most 63 characters)");
        }

        if (request.Backends.Count == 0)
        {
            errors.Add("a Service needs at least one backend");
        }

        errors.AddRange(request.Backends.Where(b => b is not PodWorkloadHost).Select(b => $"backend '{b.Name}' is not a pod of a Kubernetes cluster"));
        if (request.Ports.Count == 0)
        {
            errors.Add("a Service needs at least one port");
        }

        errors.AddRange(request.Ports.Where(p => p.Protocol is not ("tcp" or "udp")).Select(p => $"port {p}: protocol must be tcp or udp"));
        errors.AddRange(request.Ports.Where(p => p.Port is < 1 or > 65535).Select(p => $"port {p}: number must be 1-65535"));
        errors.AddRange(request.Ports.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => $"port {g.Key} is listed twice"));
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Service '{request.Name}': {string.Join("; ", errors)}", nameof(request));
        }
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex ServiceName();
}
