using System.Net;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CniBench.Ingress.Tests;

/// <summary>
/// A loopback stand-in for the API server that answers the three list calls of the YARP ingress's in-cluster mode
/// (all namespaces or one) from mutable lists, and can be told to fail. Nothing else is served.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private List<V1Ingress> _ingresses = [];
    private List<V1Service> _services = [];
    private List<V1EndpointSlice> _slices = [];
    private int _requests;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public Uri BaseAddress => new(_app.Urls.First());

    /// <summary>When true every call answers 500, as an API server that is down behind its load balancer.</summary>
    public bool Failing { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FakeKubernetesApi> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken);
        return fake;
    }

    public void Set(IEnumerable<V1Ingress>? ingresses = null, IEnumerable<V1Service>? services = null, IEnumerable<V1EndpointSlice>? slices = null)
    {
        lock (_lock)
        {
            _ingresses = ingresses?.ToList() ?? _ingresses;
            _services = services?.ToList() ?? _services;
            _slices = slices?.ToList() ?? _slices;
        }
    }

    /// <summary>A kubeconfig naming this server, written to <paramref name="path"/>.</summary>
    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: {BaseAddress.AbsoluteUri.TrimEnd('/')}
            users:
              - name: fake
                user:
                  token: fake-token
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: fake
            current-context: fake
            """);
        return path;
    }

    public IKubernetes Client() => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = BaseAddress.AbsoluteUri });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        if (Failing)
        {
            http.Response.StatusCode = 500;
            await WriteAsync(http, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcd is down","reason":"InternalError","code":500}""");
            return;
        }

        var parts = (http.Request.Path.Value ?? "/").Trim('/').Split('/');
        var selector = http.Request.Query["labelSelector"].ToString();
        string? json;
        lock (_lock)
        {
            json = (http.Request.Method, parts) switch
            {
                ("GET", ["apis", "networking.k8s.io", "v1", "ingresses"]) => List(new V1IngressList { Items = _ingresses }),
                ("GET", ["apis", "networking.k8s.io", "v1", "namespaces", var ns, "ingresses"]) =>
                    List(new V1IngressList { Items = [.. _ingresses.Where(i => i.Metadata.NamespaceProperty == ns)] }),
                ("GET", ["api", "v1", "services"]) => List(new V1ServiceList { Items = _services }),
                ("GET", ["api", "v1", "namespaces", var ns, "services"]) =>
                    List(new V1ServiceList { Items = [.. _services.Where(s => s.Metadata.NamespaceProperty == ns)] }),
                ("GET", ["apis", "discovery.k8s.io", "v1", "endpointslices"]) => List(new V1EndpointSliceList { Items = [.. _slices.Where(s => Selected(s, selector))] }),
                ("GET", ["apis", "discovery.k8s.io", "v1", "namespaces", var ns, "endpointslices"]) =>
                    List(new V1EndpointSliceList { Items = [.. _slices.Where(s => s.Metadata.NamespaceProperty == ns && Selected(s, selector))] }),
                _ => null,
            };
        }

        if (json is null)
        {
            http.Response.StatusCode = 404;
            json = """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""";
        }

        await WriteAsync(http, json);
    }

    /// <summary>Only the "label exists" selector the controller sends.</summary>
    private static bool Selected(V1EndpointSlice slice, string selector) =>
        selector.Length == 0 || slice.Metadata.Labels?.ContainsKey(selector) == true;

    private static string List(object list) => KubernetesJson.Serialize(list);

    private static async Task WriteAsync(HttpContext http, string json)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(json, http.RequestAborted);
    }
}

/// <summary>Small builders for the Kubernetes objects the in-cluster tests need.</summary>
internal static class KubeObjects
{
    public static V1Ingress IngressTo(string name, string? ingressClass, string service, int? port = 80, string? portName = null, string ns = "default") => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1IngressSpec
        {
            IngressClassName = ingressClass,
            Rules =
            [
                new V1IngressRule
                {
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = service,
                                        Port = new V1ServiceBackendPort { Number = portName is null ? port : null, Name = portName },
                                    },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    public static V1Service Service(string name, string ns = "default", params (string? Name, int Port)[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { Ports = [.. ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, Protocol = "TCP" })] },
    };

    public static V1EndpointSlice Slice(
        string name, string service, string ns, IEnumerable<(string? Name, int Port)> ports, params (string Address, bool? Ready)[] endpoints) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [.. ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name ?? "", Port = p.Port, Protocol = "TCP" })],
        Endpoints = [.. endpoints.Select(e => new V1Endpoint { Addresses = [e.Address], Conditions = new V1EndpointConditions { Ready = e.Ready } })],
    };
}
