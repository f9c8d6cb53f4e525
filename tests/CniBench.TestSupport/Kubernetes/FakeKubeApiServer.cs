using System.Collections.Concurrent;
using CniBench.Kubernetes;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CniBench.TestSupport.Kubernetes;

/// <summary>What an exec of one argv prints and returns. <see cref="Hold"/> keeps it running until killed or closed.</summary>
public sealed record ExecReply(string Stdout = "", string Stderr = "", int ExitCode = 0, bool Hold = false);

/// <summary>
/// The one loopback Kubernetes API server the tests share, with just the calls CniBench makes: namespaces, nodes,
/// pods (server-side apply, list, watch, Ready after a delay), Services and EndpointSlices, Ingresses (the YARP
/// ingress's in-cluster lists), events, version, the exec websocket (v5 or v4), and what the preflight
/// reads (access reviews, DaemonSets, metrics-server's APIService, image pull failures).
/// </summary>
public sealed partial class FakeKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, V1Namespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Service> _services = new(StringComparer.Ordinal);
    private List<V1EndpointSlice> _storedSlices = [];
    private List<V1Ingress> _ingresses = [];
    private int _nextPodIp = 10;
    private int _nextClusterIp = 10;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private int _nextPid = 100;

    private FakeKubeApiServer(WebApplication app) => _app = app;

    public List<V1Node> Nodes { get; } = [];

    public List<Corev1Event> Events { get; } = [];

    /// <summary>Pods turn Ready this long after they are applied; null: never.</summary>
    public TimeSpan? ReadyAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan NamespaceDeletionDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A deleted namespace stays Terminating until someone has read it in that phase (and the delay has passed), so a test
    /// can check the Terminating state however slowly the host runs, and the code under test still sees it.
    /// </summary>
    public bool NamespaceDeletionAwaitsARead { get; set; }

    private readonly Dictionary<string, TaskCompletionSource> _terminatingReads = [];

    /// <summary>Answers an argv; the default prints nothing and exits 0.</summary>
    public Func<IReadOnlyList<string>, ExecReply> Exec { get; set; } = _ => new ExecReply();

    /// <summary>Answers an argv knowing the pod it runs in (namespace, pod), e.g. a simulated CNI's probe answers; null falls through to <see cref="Exec"/>.</summary>
    public Func<string, string, IReadOnlyList<string>, ExecReply?>? ExecInPod { get; set; }

    /// <summary>Returns an HTTP status to fail a request with (method, path), or null to serve it.</summary>
    public Func<string, string, HttpStatusCode?> Fault { get; set; } = (_, _) => null;

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<IReadOnlyList<string>> Execs { get; } = new();

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>When true every call answers 500, as an API server that is down behind its load balancer.</summary>
    public bool Failing { get; set; }

    /// <summary>False plays a cluster whose EndpointSlice controller is stuck: slices never list any endpoint.</summary>
    public bool EndpointSlicesFollowPods { get; set; } = true;

    /// <summary>
    /// True plays garbage collection lagging behind: a deleted Service's EndpointSlices stay listed (with the old
    /// Service's UID as owner) until the test clears them with <see cref="Set"/>.
    /// </summary>
    public bool SlicesOfDeletedServicesLinger { get; set; }

    public IReadOnlyList<V1Service> ServicesIn(string ns)
    {
        lock (_gate)
        {
            return [.. _services.Values.Where(s => s.Metadata.NamespaceProperty == ns)];
        }
    }

    public static async Task<FakeKubeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

        // Open watches and held execs must not hold a test's disposal for the default 30 s.
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        var app = builder.Build();
        var server = new FakeKubeApiServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    /// <summary>A client of this server, as a test that calls the API itself needs.</summary>
    public IKubernetes Client() => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = BaseAddress.AbsoluteUri });

    /// <summary>
    /// Replaces the Ingresses, the Services, and the EndpointSlices stored as given (beside the ones the fake's
    /// EndpointSlice controller derives from Services with a selector); a null list is left as it is.
    /// </summary>
    public void Set(IEnumerable<V1Ingress>? ingresses = null, IEnumerable<V1Service>? services = null, IEnumerable<V1EndpointSlice>? slices = null)
    {
        lock (_gate)
        {
            _ingresses = ingresses?.ToList() ?? _ingresses;
            _storedSlices = slices?.ToList() ?? _storedSlices;
            if (services is not null)
            {
                _services.Clear();
                foreach (var service in services)
                {
                    _services[$"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}"] = service;
                }
            }
        }
    }

    public void AddNode(string name, bool ready = true, string kernel = "6.18.0-fake", string os = "Debian GNU/Linux 12 (bookworm)") =>
        Nodes.Add(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name },
            Status = new V1NodeStatus
            {
                Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }],
                NodeInfo = new V1NodeSystemInfo { KernelVersion = kernel, OsImage = os, ContainerRuntimeVersion = "containerd://2.0.0", KubeletVersion = "v1.31.0", Architecture = "amd64", BootID = "b", MachineID = "m", OperatingSystem = "linux", SystemUUID = "s", KubeProxyVersion = "v1.31.0" },
            },
        });

    public void AddNamespace(string name, IDictionary<string, string>? labels = null)
    {
        lock (_gate)
        {
            _namespaces[name] = new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = labels } };
        }
    }

    /// <summary>A pod outside the run (e.g. a CNI agent in kube-system).</summary>
    public void AddPod(V1Pod pod)
    {
        lock (_gate)
        {
            _pods[$"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}"] = pod;
        }

        Publish("ADDED", pod);
    }

    public IReadOnlyList<string> NamespaceNames()
    {
        lock (_gate)
        {
            return [.. _namespaces.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public IReadOnlyList<V1Pod> PodsIn(string ns)
    {
        lock (_gate)
        {
            return [.. _pods.Values.Where(p => p.Metadata.NamespaceProperty == ns)];
        }
    }

    /// <summary>A kubeconfig naming this server (or <paramref name="port"/>), written as <c>kubeconfig</c> in <paramref name="directory"/>.</summary>
    public string WriteKubeconfig(string directory, string context = "fake", int? port = null)
    {
        var path = Path.Combine(directory, "kubeconfig");
        var server = $"http://127.0.0.1:{port ?? Port}";
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: {context}
            clusters:
            - name: {context}-cluster
              cluster:
                server: {server}
            users:
            - name: {context}-user
              user:
                token: fake-token
            contexts:
            - name: {context}
              context:
                cluster: {context}-cluster
                user: {context}-user
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _held.Values)
        {
            held.TrySetResult();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Extra API routes a test class serves beyond the built-in ones (metrics, network policies, ...): each gets
    /// the request and the path split on '/', and returns true when it wrote the response.
    /// </summary>
    public ConcurrentBag<Func<HttpContext, string[], Task<bool>>> ExtraRoutes { get; } = [];

    /// <summary>Exceptions the fake itself threw: a test that sees a 500 it did not ask for can tell why.</summary>
    public ConcurrentQueue<Exception> Crashes { get; } = new();

    private async Task HandleAsync(HttpContext http)
    {
        try
        {
            await ServeAsync(http);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Crashes.Enqueue(ex);
            throw;
        }
    }

    private async Task ServeAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        Requests.Enqueue($"{request.Method} {path}{request.QueryString}");
        if (Failing)
        {
            await WriteStatusAsync(http, HttpStatusCode.InternalServerError, "etcd is down");
            return;
        }

        if (Fault(request.Method, path) is { } status)
        {
            await WriteStatusAsync(http, status, $"fake failure {(int)status} for {path}");
            return;
        }

        var parts = path.Trim('/').Split('/');
        if (TerminatingNamespaceRefuses(request.Method, parts) is { } refusal)
        {
            await WriteStatusAsync(http, HttpStatusCode.Forbidden, refusal);
            return;
        }

        foreach (var route in ExtraRoutes)
        {
            if (await route(http, parts))
            {
                return;
            }
        }

        if (await ServePreflightAsync(http, request.Method, parts))
        {
            return;
        }

        switch (request.Method, parts)
        {
            case ("GET", ["version"]):
                await WriteJsonAsync(http, new VersionInfo { GitVersion = "v1.31.0-fake", Major = "1", Minor = "31", Platform = "linux/amd64", GoVersion = "go1.23", Compiler = "gc", GitCommit = "0", GitTreeState = "clean", BuildDate = "2026-01-01T00:00:00Z" });
                break;
            case ("GET", ["api", "v1", "nodes", var node, "proxy", "stats", "summary"]):
                await ServeSummaryAsync(http, node);
                break;
            case ("GET", ["api", "v1", "nodes", var node, "proxy", var escaped]) when escaped.Equals("stats%2Fsummary", StringComparison.OrdinalIgnoreCase):
                // The client library escapes the proxied path's '/' and the API server unescapes it.
                await ServeSummaryAsync(http, node);
                break;
            case ("GET", ["api", "v1", "nodes"]):
                await WriteJsonAsync(http, new V1NodeList { Items = Nodes });
                break;
            case ("GET", ["api", "v1", "pods"]):
                lock (_gate)
                {
                    http.Items["list"] = new V1PodList { Metadata = ListMeta(), Items = [.. _pods.Values] };
                }

                await WriteJsonAsync(http, http.Items["list"]!);
                break;
            case ("GET", ["api", "v1", "namespaces"]):
                var listed = Snapshot(_namespaces.Values).Where(n => Matches(n.Metadata, request.Query["labelSelector"])).ToList();
                listed.ForEach(ObservedTerminating);
                await WriteJsonAsync(http, new V1NamespaceList { Items = listed });
                break;
            case ("GET", ["api", "v1", "namespaces", var name]):
                var known = Snapshot(_namespaces.Values).FirstOrDefault(n => n.Metadata.Name == name);
                if (known is not null)
                {
                    ObservedTerminating(known);
                }

                await (known is null ? WriteStatusAsync(http, HttpStatusCode.NotFound, $"namespaces \"{name}\" not found") : WriteJsonAsync(http, known));
                break;
            case ("POST", ["api", "v1", "namespaces"]):
                await CreateNamespaceAsync(http);
                break;
            case ("PATCH", ["api", "v1", "namespaces", var name]):
                await ApplyAsync<V1Namespace>(http, ns => { AddNamespace(name, ns.Metadata.Labels); return ns; });
                break;
            case ("DELETE", ["api", "v1", "namespaces", var name]):
                await DeleteNamespaceAsync(http, name);
                break;
            case ("GET", ["api", "v1", "namespaces", var ns, "pods"]) when request.Query["watch"] == "true" || request.Query["watch"] == "1":
                await WatchPodsAsync(http, ns);
                break;
            case ("GET", ["api", "v1", "namespaces", var ns, "pods"]):
                await WriteJsonAsync(http, new V1PodList { Metadata = ListMeta(), Items = [.. PodsIn(ns).Where(p => Matches(p.Metadata, request.Query["labelSelector"]))] });
                break;
            case ("PATCH", ["api", "v1", "namespaces", var ns, "pods", var name]) when request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) == true:
                await MergePodLabelsAsync(http, ns, name);
                break;
            case ("PATCH", ["api", "v1", "namespaces", var ns, "pods", _]):
                await ApplyAsync<V1Pod>(http, pod => ImmutablePodFieldChanged(ns, pod) ?? (object)AcceptPod(ns, pod));
                break;
            case ("PATCH", ["api", "v1", "namespaces", var ns, "services", _]):
                await ApplyAsync<V1Service>(http, service => AcceptService(ns, service));
                break;
            case ("GET", ["api", "v1", "namespaces", var ns, "services", var name]):
                await ServeServiceAsync(http, ns, name, delete: false);
                break;
            case ("DELETE", ["api", "v1", "namespaces", var ns, "services", var name]):
                await ServeServiceAsync(http, ns, name, delete: true);
                break;
            case ("GET", ["api", "v1", "services"]):
                await WriteJsonAsync(http, new V1ServiceList { Items = Snapshot(_services.Values) });
                break;
            case ("GET", ["api", "v1", "namespaces", var ns, "services"]):
                await WriteJsonAsync(http, new V1ServiceList { Items = [.. ServicesIn(ns)] });
                break;
            case ("GET", ["apis", "discovery.k8s.io", "v1", "endpointslices"]):
                await WriteJsonAsync(http, EndpointSlices(null, request.Query["labelSelector"]));
                break;
            case ("GET", ["apis", "discovery.k8s.io", "v1", "namespaces", var ns, "endpointslices"]):
                await WriteJsonAsync(http, EndpointSlices(ns, request.Query["labelSelector"]));
                break;
            case ("GET", ["apis", "networking.k8s.io", "v1", "ingresses"]):
                await WriteJsonAsync(http, new V1IngressList { Items = Snapshot(_ingresses) });
                break;
            case ("GET", ["apis", "networking.k8s.io", "v1", "namespaces", var ns, "ingresses"]):
                await WriteJsonAsync(http, new V1IngressList { Items = [.. Snapshot(_ingresses).Where(i => i.Metadata.NamespaceProperty == ns)] });
                break;
            case ("GET", ["api", "v1", "namespaces", _, "events"]):
                await WriteJsonAsync(http, new Corev1EventList { Items = Events });
                break;
            case ("GET", ["api", "v1", "namespaces", var ns, "pods", var pod, "exec"]) when http.WebSockets.IsWebSocketRequest:
                await ExecAsync(http, ns, pod);
                break;
            case ("PATCH", [.., _]):
                await ApplyAsync<object>(http, o => o);
                break;
            default:
                await WriteStatusAsync(http, HttpStatusCode.NotFound, $"the fake does not serve {request.Method} {path}");
                break;
        }
    }

    /// <summary>A read (get or list) that returns a Terminating namespace lets its deletion finish.</summary>
    private void ObservedTerminating(V1Namespace ns)
    {
        lock (_gate)
        {
            if (ns.Status?.Phase == "Terminating" && _terminatingReads.Remove(ns.Metadata.Name, out var read))
            {
                read.TrySetResult();
            }
        }
    }

    private async Task CreateNamespaceAsync(HttpContext http)
    {
        var body = KubernetesJson.Deserialize<V1Namespace>(await ReadBodyAsync(http));
        lock (_gate)
        {
            if (_namespaces.ContainsKey(body.Metadata.Name))
            {
                http.Items["conflict"] = true;
            }
            else
            {
                _namespaces[body.Metadata.Name] = body;
            }
        }

        if (http.Items.ContainsKey("conflict"))
        {
            await WriteStatusAsync(http, HttpStatusCode.Conflict, $"namespaces \"{body.Metadata.Name}\" already exists");
            return;
        }

        http.Response.StatusCode = 201;
        await WriteJsonAsync(http, body);
    }

    private async Task DeleteNamespaceAsync(HttpContext http, string name)
    {
        V1Namespace? found;
        lock (_gate)
        {
            _namespaces.TryGetValue(name, out found);
        }

        if (found is null)
        {
            await WriteStatusAsync(http, HttpStatusCode.NotFound, $"namespaces \"{name}\" not found");
            return;
        }

        // Like the real thing, a namespace terminates for a while before it disappears with its pods.
        var terminating = Task.Delay(NamespaceDeletionDelay);
        if (NamespaceDeletionAwaitsARead)
        {
            var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _terminatingReads[name] = read;
            }

            terminating = Task.WhenAll(terminating, read.Task);
        }

        _ = terminating.ContinueWith(
            _ =>
            {
                lock (_gate)
                {
                    // The namespace controller deletes the content first; the namespace goes only when it is empty.
                    foreach (var key in _pods.Keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal)).ToList())
                    {
                        _pods.Remove(key, out var gone);
                        Publish("DELETED", gone!);
                    }

                    foreach (var key in _services.Keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal)).ToList())
                    {
                        _services.Remove(key);
                    }

                    _namespaces.Remove(name);
                }
            },
            TaskScheduler.Default);
        lock (_gate)
        {
            found.Status = new V1NamespaceStatus { Phase = "Terminating" };
        }

        await WriteJsonAsync(http, found);
    }

    private V1Pod AcceptPod(string ns, V1Pod pod)
    {
        pod.Metadata.NamespaceProperty = ns;
        pod.Status = new V1PodStatus { Phase = "Pending" };
        lock (_gate)
        {
            _pods[$"{ns}/{pod.Metadata.Name}"] = pod;
        }

        if (PullFailedStatus(pod) is { } pullFailed)
        {
            // The kubelet never starts it: it stays Pending with the pull failure.
            pod.Status = pullFailed;
            Publish("ADDED", pod);
            return pod;
        }

        Publish("ADDED", pod);
        if (ReadyAfter is { } delay)
        {
            _ = Task.Delay(delay).ContinueWith(_ => TurnReady(ns, pod.Metadata.Name), TaskScheduler.Default);
        }

        return pod;
    }

    private void TurnReady(string ns, string name)
    {
        V1Pod? pod;
        lock (_gate)
        {
            if (!_pods.TryGetValue($"{ns}/{name}", out pod))
            {
                return;
            }

            var index = _nextPodIp++;
            pod.Status = new V1PodStatus
            {
                Phase = "Running",
                PodIP = $"198.19.0.{index}",
                HostIP = "198.18.0.1",
                Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            };
        }

        Publish("MODIFIED", pod);
    }

    /// <summary>A JSON merge patch of pod labels (null removes one), as the Service code sends to pick backends.</summary>
    private async Task MergePodLabelsAsync(HttpContext http, string ns, string name)
    {
        var patch = System.Text.Json.Nodes.JsonNode.Parse(await ReadBodyAsync(http));
        V1Pod? pod;
        lock (_gate)
        {
            if (_pods.TryGetValue($"{ns}/{name}", out pod))
            {
                var labels = pod.Metadata.Labels ??= new Dictionary<string, string>();
                foreach (var (key, value) in patch?["metadata"]?["labels"]?.AsObject() ?? [])
                {
                    if (value is null)
                    {
                        labels.Remove(key);
                    }
                    else
                    {
                        labels[key] = value.GetValue<string>();
                    }
                }
            }
        }

        if (pod is null)
        {
            await WriteStatusAsync(http, HttpStatusCode.NotFound, $"pods \"{name}\" not found");
            return;
        }

        Publish("MODIFIED", pod);
        await WriteJsonAsync(http, pod);
    }

    private V1Service AcceptService(string ns, V1Service service)
    {
        service.Metadata.NamespaceProperty = ns;
        lock (_gate)
        {
            var key = $"{ns}/{service.Metadata.Name}";
            service.Spec.ClusterIP = _services.TryGetValue(key, out var existing) ? existing.Spec.ClusterIP : $"198.18.128.{_nextClusterIp++}";
            service.Metadata.Uid = existing?.Metadata.Uid ?? Guid.NewGuid().ToString();
            _services[key] = service;
        }

        return service;
    }

    private async Task ServeServiceAsync(HttpContext http, string ns, string name, bool delete)
    {
        V1Service? found;
        lock (_gate)
        {
            _services.TryGetValue($"{ns}/{name}", out found);
            if (delete && found is not null)
            {
                _services.Remove($"{ns}/{name}");
                if (SlicesOfDeletedServicesLinger && found.Spec?.Selector is { Count: > 0 })
                {
                    _storedSlices.Add(DerivedSlice(found));
                }
            }
        }

        if (found is null)
        {
            await WriteStatusAsync(http, HttpStatusCode.NotFound, $"services \"{name}\" not found");
            return;
        }

        await WriteJsonAsync(http, found);
    }

    /// <summary>
    /// The stored slices, and what the EndpointSlice controller would publish for each Service with a selector: Ready
    /// pods with an IP whose labels match it. <paramref name="ns"/> null lists every namespace.
    /// </summary>
    private V1EndpointSliceList EndpointSlices(string? ns, string? selector)
    {
        lock (_gate)
        {
            var derived = _services.Values
                .Where(s => s.Spec?.Selector is { Count: > 0 })
                .Select(DerivedSlice);
            return new V1EndpointSliceList
            {
                Items = [.. _storedSlices.Concat(derived).Where(s => (ns is null || s.Metadata.NamespaceProperty == ns) && Matches(s.Metadata, selector))],
            };
        }
    }

    private V1EndpointSlice DerivedSlice(V1Service service)
    {
        var ns = service.Metadata.NamespaceProperty;
        var name = service.Metadata.Name;
        var selected = _pods.Values
            .Where(p => p.Metadata.NamespaceProperty == ns && p.Status?.PodIP is not null)
            .Where(p => EndpointSlicesFollowPods && service.Spec.Selector.All(kv => p.Metadata.Labels?.TryGetValue(kv.Key, out var v) == true && v == kv.Value))
            .ToList();
        return new V1EndpointSlice
        {
            AddressType = "IPv4",
            Metadata = new V1ObjectMeta
            {
                Name = $"{name}-abcde",
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = name },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Service", Name = name, Uid = service.Metadata.Uid ?? string.Empty, Controller = true, BlockOwnerDeletion = true }],
            },
            Endpoints = [.. selected.Select(p => new V1Endpoint
            {
                Addresses = [p.Status.PodIP],
                Conditions = new V1EndpointConditions { Ready = p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true },
            })],
            Ports = [.. service.Spec.Ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.Port, Protocol = p.Protocol })],
        };
    }

    /// <summary>Takes the provider's start wrapper (sh -c 'echo pid; exec "$@"' name argv...) off, so scripts see the real argv.</summary>
    private static IReadOnlyList<string> UnwrapStart(IReadOnlyList<string> argv, out bool started)
    {
        started = argv is ["sh", "-c", var script, "cnibench-start", ..] && script.Contains(PodExecRunner.PidMarker, StringComparison.Ordinal);
        return started ? [.. argv.Skip(4)] : argv;
    }

    private static string StatusJson(int exitCode) =>
        exitCode == 0
            ? """{"metadata":{},"status":"Success"}"""
            : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}]}}";

    private static async Task SendAsync(WebSocket socket, byte channel, string text, CancellationToken token)
    {
        if (text.Length == 0)
        {
            return;
        }

        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[payload.Length + 1];
        frame[0] = channel;
        payload.CopyTo(frame, 1);
        await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, token);
    }

    private List<T> Snapshot<T>(IEnumerable<T> items)
    {
        lock (_gate)
        {
            return [.. items];
        }
    }

    /// <summary>Supports the selectors the provider sends: <c>key</c> and <c>key=value</c>.</summary>
    private static bool Matches(V1ObjectMeta meta, string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return true;
        }

        var labels = meta.Labels ?? new Dictionary<string, string>();
        return selector.Split(',').All(term => term.Split('=', 2) switch
        {
            [var key] => labels.ContainsKey(key),
            [var key, var value] => labels.TryGetValue(key, out var actual) && actual == value,
            _ => false,
        });
    }

    public static async Task<string> ReadBodyAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        return await reader.ReadToEndAsync(http.RequestAborted);
    }

    public static async Task WriteJsonAsync(HttpContext http, object body)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(KubernetesJson.Serialize(body), http.RequestAborted);
    }

    public static async Task WriteStatusAsync(HttpContext http, HttpStatusCode code, string message)
    {
        http.Response.StatusCode = (int)code;
        http.Response.ContentType = "application/json";

        // KubernetesJson cannot write V1Status, so the Status object is written as plain JSON.
        var status = new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = code.ToString(),
            ["code"] = (int)code,
        };
        await http.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(status), http.RequestAborted);
    }
}
