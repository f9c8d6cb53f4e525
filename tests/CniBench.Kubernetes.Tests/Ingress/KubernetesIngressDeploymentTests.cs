using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Kubernetes.Catalog;
using CniBench.Kubernetes.Ingress;
using CniBench.Processes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Ingress;

/// <summary>
/// The ingress test's cluster side against the fake API server: a catalog controller found running in namespace
/// ingress-demo (its Deployment, pods, IngressClass and Service are served by extra routes), the two Services over the
/// run's pods, and the Ingress applied, changed and deleted.
/// </summary>
public sealed class KubernetesIngressDeploymentTests
{
    private const string RunNamespace = "cnibench-3fa2";
    private const string ControllerNamespace = "ingress-demo";
    private const string ControllerIp = "10.96.7.7";

    private const string IngressYaml = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: from-template
          namespace: bench
        spec:
          ingressClassName: cnibench
          rules:
            - http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          name: http
        """;

    private const string TlsIngressYaml = IngressYaml + """

          tls:
            - hosts: [bench.cnibench.test]
              secretName: cnb-ingress-tls
        """;

    private readonly ConcurrentQueue<V1Ingress> _appliedIngresses = new();
    private readonly ConcurrentQueue<V1Secret> _appliedSecrets = new();
    private int _restarts;

    /// <summary>When set, the Secret apply is answered 422 with this message (an API server quoting what it got).</summary>
    private string? _secretRefusal;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IngressTlsMaterial Tls { get; } = NewTls();

    private static IngressControllerSpec Demo => DemoWith(tlsPort: 443);

    private static IngressControllerSpec DemoWith(int? tlsPort) => new()
    {
        Name = "demo",
        DisplayName = "Demo ingress",
        Upstream = new UpstreamSpec("v1.2.3", new Uri("https://example.org/demo")),
        Install = new IngressInstallSpec { Manifests = [new ManifestSource(new Uri("http://127.0.0.1:9/demo.yaml"), null)] },
        Readiness = [new WorkloadRef(WorkloadKind.Deployment, ControllerNamespace, "demo-controller")],
        IngressClass = new IngressClassSpec { Name = "demo", Controller = "example.org/demo", CreatedByInstall = true },
        Service = new IngressServiceRef(ControllerNamespace, "demo-proxy", 80) { TlsPort = tlsPort, TlsUnavailable = tlsPort is null ? "demo reads PEM files only" : null },
    };

    [Fact]
    public async Task DeployIngressAsync_RunningController_CreatesBothServicesAndAppliesIngressWithItsClass()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);

        await using var deployment = await cluster.DeployIngressAsync(Request(cluster), Ct);

        Assert.Equal(IPAddress.Parse(ControllerIp), deployment.Address);
        Assert.Equal(80, deployment.Port);
        Assert.Equal("demo", deployment.Facts["ingress.controller"]);
        Assert.Equal("found running", deployment.Facts["ingress.installed"]);
        var services = harness.Server.ServicesIn(RunNamespace).OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["web", "web-v2"], services.Select(s => s.Metadata.Name));
        Assert.All(services, s => Assert.Equal([("http", 8080, "8080")], s.Spec.Ports.Select(p => (p.Name, p.Port, p.TargetPort.Value))));
        var ingress = Assert.Single(_appliedIngresses);
        Assert.Equal(KubernetesIngressDeployment.IngressName, ingress.Metadata.Name);
        Assert.Equal(RunNamespace, ingress.Metadata.NamespaceProperty);
        Assert.Equal("demo", ingress.Spec.IngressClassName);
        Assert.Equal(ProviderHarness.RunId, ingress.Metadata.Labels[KubeLabels.Run]);
    }

    [Fact]
    public async Task ChangeRouteAsync_AppliesTheRouteChangedIngress()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);
        await using var deployment = await cluster.DeployIngressAsync(Request(cluster), Ct);

        await deployment.ChangeRouteAsync(Ct);

        Assert.Equal(2, _appliedIngresses.Count);
        var changed = _appliedIngresses.Last();
        Assert.Equal("web-v2", changed.Spec.Rules[0].Http.Paths[0].Backend.Service.Name);
        Assert.Equal("demo", changed.Spec.IngressClassName);
    }

    [Fact]
    public async Task SetBackendsAsync_MorePods_RoutedServiceSelectsThemAndTheOtherKeepsItsOwn()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);
        var pods = cluster.Nodes.SelectMany(n => n.Pods).ToList();
        await using var deployment = await cluster.DeployIngressAsync(Request(cluster), Ct);

        await deployment.SetBackendsAsync(pods, Ct);

        Assert.Equal(pods.Count, Labelled(harness, "svc.cnibench.io/web").Count);
        Assert.Equal([pods[0].Name], Labelled(harness, "svc.cnibench.io/web-v2"));
    }

    [Fact]
    public async Task ControllerProblemAsync_PodRestarted_NamesItWithItsPreviousLogTail()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);
        await using var deployment = await cluster.DeployIngressAsync(Request(cluster), Ct);
        Assert.Null(await deployment.ControllerProblemAsync(Ct));

        Interlocked.Increment(ref _restarts);
        var problem = await deployment.ControllerProblemAsync(Ct);

        Assert.NotNull(problem);
        Assert.Contains("ingress controller demo: pod demo-controller-abc restarted (0 → 1 restarts)", problem, StringComparison.Ordinal);
        Assert.Contains("panic: out of file descriptors", problem, StringComparison.Ordinal);
        Assert.Contains(harness.Server.Requests, r => r.Contains("/pods/demo-controller-abc/log?", StringComparison.Ordinal) && r.Contains("previous=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposeAsync_Deployment_DeletesIngressThenServicesButNotTheController()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);
        var deployment = await cluster.DeployIngressAsync(Request(cluster), Ct);

        await deployment.DisposeAsync();

        var requests = harness.Server.Requests.ToList();
        var ingressDelete = requests.FindIndex(r => r.StartsWith($"DELETE /apis/networking.k8s.io/v1/namespaces/{RunNamespace}/ingresses/{KubernetesIngressDeployment.IngressName}", StringComparison.Ordinal));
        var serviceDelete = requests.FindIndex(r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}/services/", StringComparison.Ordinal));
        Assert.InRange(ingressDelete, 0, serviceDelete - 1);
        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
        Assert.DoesNotContain(requests, r => r.StartsWith("DELETE", StringComparison.Ordinal) && r.Contains(ControllerNamespace, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeployIngressAsync_ControllerMissingOnKeptCluster_FailsOnceThenAtOnceWithoutAskingAgain()
    {
        await using var harness = await StartAsync(controllerRunning: false);
        await using var cluster = await CreateClusterAsync(harness, disposable: false);

        var first = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.DeployIngressAsync(Request(cluster), Ct));
        var readsAfterFirst = DeploymentReads(harness);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.DeployIngressAsync(Request(cluster), Ct));

        Assert.Contains("does not run ingress controller demo", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(readsAfterFirst, DeploymentReads(harness));
        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
    }

    [Fact]
    public async Task DeployIngressAsync_NoIngressInstaller_IsUnsupported()
    {
        await using var harness = await StartAsync();
        await using var cluster = await harness.Provider().CreateAsync(ProviderHarness.Request, null, Ct);

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() => cluster.DeployIngressAsync(Request(cluster), Ct));

        Assert.Contains("no ingress controller installer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployIngressAsync_TlsRequest_AppliesTheTlsSecretBeforeTheIngressAndLoadsTheTlsPort()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);

        await using var deployment = await cluster.DeployIngressAsync(TlsRequest(cluster), Ct);

        Assert.Equal((IPAddress.Parse(ControllerIp), 443), (deployment.Address, deployment.Port));
        var secret = Assert.Single(_appliedSecrets);
        Assert.Equal(("cnb-ingress-tls", RunNamespace, "kubernetes.io/tls"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Type));
        Assert.Equal(Tls.CertificatePem, Encoding.UTF8.GetString(secret.Data["tls.crt"]));
        Assert.Equal(Tls.PrivateKeyPem, Encoding.UTF8.GetString(secret.Data["tls.key"]));
        Assert.Equal(ProviderHarness.RunId, secret.Metadata.Labels[KubeLabels.Run]);
        var tls = Assert.Single(Assert.Single(_appliedIngresses).Spec.Tls);
        Assert.Equal(("cnb-ingress-tls", "bench.cnibench.test"), (tls.SecretName, Assert.Single(tls.Hosts)));
        var requests = harness.Server.Requests.ToList();
        Assert.InRange(
            requests.FindIndex(r => r.StartsWith($"PATCH /api/v1/namespaces/{RunNamespace}/secrets/cnb-ingress-tls", StringComparison.Ordinal)),
            0,
            requests.FindIndex(r => r.StartsWith($"PATCH /apis/networking.k8s.io/v1/namespaces/{RunNamespace}/ingresses/", StringComparison.Ordinal)) - 1);
        Assert.Equal($"10.96.7.7:443", deployment.Facts["ingress.address"]);
        Assert.Contains("Secret cnibench-3fa2/cnb-ingress-tls", deployment.Facts["ingress.tls"], StringComparison.Ordinal);
        Assert.DoesNotContain(deployment.Facts.Values, v => KubernetesIngressDeployment.QuotesKey(v, Tls));
    }

    [Fact]
    public async Task DisposeAsync_TlsDeployment_DeletesTheSecretAfterTheIngressAndBeforeTheServices()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness);
        var deployment = await cluster.DeployIngressAsync(TlsRequest(cluster), Ct);

        await deployment.DisposeAsync();

        var requests = harness.Server.Requests.ToList();
        var ingressDelete = requests.FindIndex(r => r.StartsWith($"DELETE /apis/networking.k8s.io/v1/namespaces/{RunNamespace}/ingresses/", StringComparison.Ordinal));
        var secretDelete = requests.FindIndex(r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}/secrets/cnb-ingress-tls", StringComparison.Ordinal));
        var serviceDelete = requests.FindIndex(r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}/services/", StringComparison.Ordinal));
        Assert.True(ingressDelete >= 0 && ingressDelete < secretDelete && secretDelete < serviceDelete, string.Join("\n", requests));
    }

    [Fact]
    public async Task DeployIngressAsync_TlsForEntryWithoutTlsPort_IsUnsupportedWithItsReasonBeforeAnyInstall()
    {
        await using var harness = await StartAsync();
        await using var cluster = await CreateClusterAsync(harness, tlsPort: null);

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() => cluster.DeployIngressAsync(TlsRequest(cluster), Ct));

        Assert.Equal(
            "ingress controller demo has no TLS port in its catalog entry (service.tlsPort), so its TLS variant cannot run on a cluster: demo reads PEM files only",
            ex.Message);
        Assert.Equal(0, DeploymentReads(harness));
        Assert.Empty(_appliedSecrets);
        Assert.Empty(harness.Server.ServicesIn(RunNamespace));
    }

    [Fact]
    public async Task DeployIngressAsync_SecretRefusedQuotingTheKey_FailsWithoutTheKeyOrTheClientException()
    {
        await using var harness = await StartAsync();
        _secretRefusal = "Secret \"cnb-ingress-tls\" is invalid: data[tls.key]: Invalid value: \"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Tls.PrivateKeyPem)) + "\"";
        await using var cluster = await CreateClusterAsync(harness);

        var ex = await Assert.ThrowsAsync<KubeOperationException>(() => cluster.DeployIngressAsync(TlsRequest(cluster), Ct));

        Assert.Equal($"cluster '{ProviderHarness.Context}' refused applying Secret {RunNamespace}/cnb-ingress-tls (kubernetes.io/tls); its answer quoted the private key, so it is not shown", ex.Message);
        Assert.Null(ex.InnerException);
        Assert.False(KubernetesIngressDeployment.QuotesKey(ex.ToString(), Tls));
        Assert.Empty(_appliedIngresses);
        Assert.Contains(harness.Server.Requests, r => r.StartsWith($"DELETE /api/v1/namespaces/{RunNamespace}/secrets/cnb-ingress-tls", StringComparison.Ordinal));
    }

    [Fact]
    public void QuotesKey_PemBodyOrSecretBase64OrNeither_FindsTheFirstTwoOnly()
    {
        var pemLine = Tls.PrivateKeyPem.Split('\n')[1];
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Tls.PrivateKeyPem));

        Assert.True(KubernetesIngressDeployment.QuotesKey($"bad key: {pemLine[..30]}", Tls));
        Assert.True(KubernetesIngressDeployment.QuotesKey($"bad data: {base64[100..130]}", Tls));
        Assert.False(KubernetesIngressDeployment.QuotesKey("secrets \"cnb-ingress-tls\" is forbidden: User \"ci\" cannot patch resource \"secrets\"", Tls));
        Assert.Contains("(hidden)", new IngressDeploymentRequest
        {
            Controller = "demo", IngressYaml = "", RouteChangedYaml = "", ServiceName = "web", OtherServiceName = "web-v2", PortName = "http", BackendPort = 8080, Backends = [], Tls = Tls,
        }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Objects_TlsRequest_RendersThePlaceholderSecretBeforeTheIngressAndNeverTheKey()
    {
        var request = new IngressDeploymentRequest
        {
            Controller = "demo", IngressYaml = TlsIngressYaml, RouteChangedYaml = TlsIngressYaml, ServiceName = "web", OtherServiceName = "web-v2", PortName = "http", BackendPort = 8080, Backends = [], Tls = Tls,
        };

        var objects = KubernetesIngressDeployment.Objects(request, RunNamespace, ProviderHarness.RunId, Demo);

        Assert.Equal(["Service", "Service", "Secret", "Ingress"], objects.Select(o => o.Kind));
        var secret = Assert.IsType<V1Secret>(objects[2]);
        Assert.Null(secret.Data);
        Assert.Contains("per measurement", secret.StringData["tls.key"], StringComparison.Ordinal);
        Assert.False(KubernetesIngressDeployment.QuotesKey(string.Join("\n", objects.Select(o => KubernetesYaml.Serialize(o))), Tls));
    }

    private static IngressTlsMaterial NewTls()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=bench.cnibench.test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        return new IngressTlsMaterial(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static IngressDeploymentRequest TlsRequest(KubernetesCluster cluster) => Request(cluster) with
    {
        IngressYaml = TlsIngressYaml,
        RouteChangedYaml = TlsIngressYaml.Replace("name: web\n", "name: web-v2\n", StringComparison.Ordinal),
        Tls = Tls,
    };

    private static int DeploymentReads(ProviderHarness harness) =>
        harness.Server.Requests.Count(r => r.StartsWith($"GET /apis/apps/v1/namespaces/{ControllerNamespace}/deployments/", StringComparison.Ordinal));

    private static List<string> Labelled(ProviderHarness harness, string label) =>
        [.. harness.Server.PodsIn(RunNamespace).Where(p => p.Metadata.Labels?.ContainsKey(label) == true).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)];

    private static IngressDeploymentRequest Request(KubernetesCluster cluster) => new()
    {
        Controller = "demo",
        IngressYaml = IngressYaml,
        RouteChangedYaml = IngressYaml.Replace("name: web\n", "name: web-v2\n", StringComparison.Ordinal),
        ServiceName = "web",
        OtherServiceName = "web-v2",
        PortName = "http",
        BackendPort = 8080,
        Backends = [cluster.Nodes[0].Pods[0]],
    };

    private static async Task<KubernetesCluster> CreateClusterAsync(ProviderHarness harness, bool disposable = true, int? tlsPort = 443)
    {
        var installer = new IngressInstaller(
            new IngressCatalog([DemoWith(tlsPort)]),
            new ManifestDownloader(new HttpClient(), Path.Combine(Path.GetTempPath(), "cnb-ingress-deploy-tests")),
            new HelmTool(LocalProcessRunner.Instance),
            new IngressInstallerOptions { ReadyTimeout = TimeSpan.FromSeconds(5), PollInterval = TimeSpan.FromMilliseconds(50) });
        var provider = harness.Provider(o => o with
        {
            IngressInstaller = installer,
            Spec = o.Spec with
            {
                Clusters = new Dictionary<string, Core.Scenarios.KubernetesClusterSpec> { ["flannel"] = new() { Context = ProviderHarness.Context, Disposable = disposable } },
            },
        });
        return await provider.CreateAsync(ProviderHarness.Request, null, Ct);
    }

    private async Task<ProviderHarness> StartAsync(bool controllerRunning = true)
    {
        var harness = await ProviderHarness.StartAsync();
        var server = harness.Server;
        server.ExtraRoutes.Add(async (http, parts) =>
        {
            switch (http.Request.Method, parts)
            {
                case ("GET", ["apis", "apps", "v1", "namespaces", ControllerNamespace, "deployments", "demo-controller"]):
                    if (!controllerRunning)
                    {
                        await WriteStatusAsync(http, 404, "Failure");
                        return true;
                    }

                    await WriteAsync(http, 200, new V1Deployment
                    {
                        Metadata = new V1ObjectMeta { Name = "demo-controller", NamespaceProperty = ControllerNamespace },
                        Spec = new V1DeploymentSpec { Replicas = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "demo" } }, Template = new V1PodTemplateSpec() },
                        Status = new V1DeploymentStatus { AvailableReplicas = 1, ReadyReplicas = 1, Replicas = 1 },
                    });
                    return true;
                case ("GET", ["apis", "networking.k8s.io", "v1", "ingressclasses", "demo"]):
                    await WriteAsync(http, 200, new V1IngressClass { Metadata = new V1ObjectMeta { Name = "demo" }, Spec = new V1IngressClassSpec { Controller = "example.org/demo" } });
                    return true;
                case ("GET", ["api", "v1", "namespaces", ControllerNamespace, "services", "demo-proxy"]):
                    await WriteAsync(http, 200, new V1Service
                    {
                        Metadata = new V1ObjectMeta { Name = "demo-proxy", NamespaceProperty = ControllerNamespace },
                        Spec = new V1ServiceSpec { ClusterIP = ControllerIp, Ports = [new V1ServicePort { Name = "http", Port = 80 }, new V1ServicePort { Name = "https", Port = 443 }] },
                    });
                    return true;
                case ("GET", ["api", "v1", "namespaces", ControllerNamespace, "pods"]):
                    await WriteAsync(http, 200, new V1PodList { Items = [ControllerPod()] });
                    return true;
                case ("GET", ["api", "v1", "namespaces", ControllerNamespace, "pods", "demo-controller-abc", "log"]):
                    http.Response.ContentType = "text/plain";
                    await http.Response.WriteAsync("starting\nserving\npanic: out of file descriptors\n", Encoding.UTF8);
                    return true;
                case ("PATCH", ["apis", "networking.k8s.io", "v1", "namespaces", RunNamespace, "ingresses", _]):
                    using (var reader = new StreamReader(http.Request.Body))
                    {
                        var body = await reader.ReadToEndAsync();
                        var ingress = KubernetesYaml.Deserialize<V1Ingress>(body);
                        _appliedIngresses.Enqueue(ingress);
                        await WriteAsync(http, 200, ingress);
                    }

                    return true;
                case ("PATCH", ["api", "v1", "namespaces", RunNamespace, "secrets", _]):
                    using (var reader = new StreamReader(http.Request.Body))
                    {
                        var body = await reader.ReadToEndAsync();
                        if (_secretRefusal is { } refusal)
                        {
                            http.Response.StatusCode = 422;
                            http.Response.ContentType = "application/json";
                            await http.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { kind = "Status", apiVersion = "v1", status = "Failure", code = 422, message = refusal }), Encoding.UTF8);
                            return true;
                        }

                        var secret = KubernetesJson.Deserialize<V1Secret>(body);
                        _appliedSecrets.Enqueue(secret);
                        await WriteAsync(http, 200, secret);
                    }

                    return true;
                case ("DELETE", ["api", "v1", "namespaces", RunNamespace, "secrets", _]):
                    await WriteStatusAsync(http, 200, "Success");
                    return true;
                case ("DELETE", ["apis", "networking.k8s.io", "v1", "namespaces", RunNamespace, "ingresses", _]):
                    await WriteStatusAsync(http, 200, "Success");
                    return true;
                default:
                    return false;
            }
        });
        return harness;
    }

    private V1Pod ControllerPod() => new()
    {
        Metadata = new V1ObjectMeta { Name = "demo-controller-abc", NamespaceProperty = ControllerNamespace, Labels = new Dictionary<string, string> { ["app"] = "demo" } },
        Status = new V1PodStatus
        {
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "controller", Image = "demo", ImageID = "demo", Ready = true, RestartCount = Volatile.Read(ref _restarts) }],
        },
    };

    // V1Status has no JSON writer in the client library, so statuses are written by hand.
    private static async Task WriteStatusAsync(HttpContext http, int status, string outcome)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($$"""{"kind":"Status","apiVersion":"v1","status":"{{outcome}}","code":{{status}}}""", Encoding.UTF8);
    }

    private static async Task WriteAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(KubernetesJson.Serialize(body), Encoding.UTF8);
    }
}
