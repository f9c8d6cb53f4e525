using System.Collections.Concurrent;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Catalog;
using CniBench.Kubernetes.Ingress;
using CniBench.Kubernetes.Tests.Workloads;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Ingress;

/// <summary>
/// The ingress installer against one loopback Kestrel app that plays the manifest host and a minimal API server
/// (Deployment read, IngressClass read, server-side apply PATCH). A Deployment turns ready once it has been
/// applied, or once the scripted helm "installs" its chart.
/// </summary>
public sealed class IngressInstallerTests() : InstallerTestServer("cnibench-ingress-installer-tests")
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: demo-controller
          namespace: demo
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: demo
        spec:
          controller: example.org/demo
        """;

    private readonly ConcurrentQueue<(string Path, string Body)> _patches = new();
    private readonly ConcurrentDictionary<string, bool> _deployments = new();
    private readonly ConcurrentDictionary<string, string> _ingressClasses = new();
    private readonly List<string> _progress = [];
    [Fact]
    public async Task EnsureInstalledAsync_DisposableEmptyCluster_AppliesPinnedManifestAndWaitsReady()
    {
        using var client = Client();

        var result = await Installer(DemoCatalog(Sha(Manifest))).EnsureInstalledAsync(client, "demo", Cluster(disposable: true), Ct);

        var patches = Requests.Where(r => r.StartsWith("PATCH", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, patches.Count);
        Assert.StartsWith("PATCH /api/v1/namespaces/demo?", patches[0], StringComparison.Ordinal);
        Assert.StartsWith("PATCH /apis/apps/v1/namespaces/demo/deployments/demo-controller?", patches[1], StringComparison.Ordinal);
        Assert.StartsWith("PATCH /apis/networking.k8s.io/v1/ingressclasses/demo?", patches[2], StringComparison.Ordinal);
        Assert.All(patches, p => Assert.Contains("fieldManager=cnibench", p, StringComparison.Ordinal));
        Assert.All(patches, p => Assert.Contains(" application/apply-patch+yaml", p, StringComparison.Ordinal));
        Assert.True(result.InstalledNow);
        Assert.Equal("installed by CniBench", result.Facts["ingress.installed"]);
        Assert.Equal("Service/demo/demo-proxy:80", result.Facts["ingress.service"]);
    }

    [Fact]
    public async Task EnsureInstalledAsync_HelmEntryOfShippedCatalog_RunsPinnedChartWithValuesAndWaits()
    {
        using var client = Client();
        var runner = new InstallingHelm(() => _deployments["traefik/traefik"] = true);

        var result = await Installer(ShippedCatalog, runner).EnsureInstalledAsync(client, "traefik", Cluster(disposable: true), Ct);

        var helm = Assert.Single(runner.Runs);
        Assert.Equal("helm", helm.Program);
        Assert.Equal(
            ["upgrade", "--install", "traefik", "traefik", "--repo", "https://traefik.github.io/charts", "--version", "41.1.1", "-n", "traefik", "--create-namespace"],
            helm.Arguments.Take(11));
        Assert.Equal("ingressClass.isDefaultClass=false", helm.Arguments[helm.Arguments.ToList().IndexOf("--set") + 1]);
        Assert.Contains("--kube-context", helm.Arguments);
        Assert.True(result.InstalledNow);
        Assert.Contains(Requests, r => r.StartsWith("GET /apis/apps/v1/namespaces/traefik/deployments/traefik", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_ControllerAlreadyRunning_InstallsNothingEvenWhenNotDisposable()
    {
        _deployments["demo/demo-controller"] = true;
        _ingressClasses["demo"] = "example.org/demo";
        using var client = Client();

        var result = await Installer(DemoCatalog(Sha(Manifest))).EnsureInstalledAsync(client, "demo", Cluster(disposable: false), Ct);

        Assert.False(result.InstalledNow);
        Assert.Equal("found running", result.Facts["ingress.installed"]);
        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal) || r.Contains("/manifests/", StringComparison.Ordinal));
        Assert.Contains(_progress, p => p.Contains("ingress controller demo is running (Deployment/demo/demo-controller)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_MissingOnNonDisposableCluster_RefusesWithoutWrites()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Installer(DemoCatalog(Sha(Manifest))).EnsureInstalledAsync(client, "demo", Cluster(disposable: false), Ct));

        Assert.Contains("does not run ingress controller demo (missing: Deployment/demo/demo-controller) and is not marked disposable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-install", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal) || r.Contains("/manifests/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_ClassNameTakenByAnotherController_RefusesBeforeAnyDownload()
    {
        // NGINX Inc's controller uses the same class name as ingress-nginx.
        _ingressClasses["nginx"] = "nginx.org/ingress-controller";
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() =>
            Installer(ShippedCatalog).EnsureInstalledAsync(client, "ingress-nginx", Cluster(disposable: true), Ct));

        Assert.Contains("has IngressClass 'nginx' for controller 'nginx.org/ingress-controller'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'k8s.io/ingress-nginx'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal) || r.Contains("/deployments/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_HashMismatch_AppliesNothing()
    {
        using var client = Client();

        await Assert.ThrowsAsync<ManifestHashMismatchException>(() =>
            Installer(DemoCatalog(new string('a', 64))).EnsureInstalledAsync(client, "demo", Cluster(disposable: true), Ct));

        Assert.Contains(Requests, r => r.StartsWith("GET /manifests/", StringComparison.Ordinal));
        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_YarpOnDisposableCluster_AppliesRbacThenDeploymentWithConfiguredImage()
    {
        using var client = Client();
        var installer = Installer(ShippedCatalog, images: new Dictionary<string, string> { ["yarp"] = "registry.example:5000/cnibench-ingress:t1" });

        var result = await installer.EnsureInstalledAsync(client, "yarp", Cluster(disposable: true), Ct);

        // yarp-rbac.yaml, then yarp-deploy.yaml, each in file order.
        Assert.Equal(
            [
                "/api/v1/namespaces/cnibench-ingress",
                "/api/v1/namespaces/cnibench-ingress/serviceaccounts/cnibench-ingress",
                "/apis/rbac.authorization.k8s.io/v1/clusterroles/cnibench-ingress",
                "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cnibench-ingress",
                "/apis/apps/v1/namespaces/cnibench-ingress/deployments/cnibench-ingress",
                "/api/v1/namespaces/cnibench-ingress/services/cnibench-ingress",
                "/apis/networking.k8s.io/v1/ingressclasses/cnibench",
            ],
            _patches.Select(p => p.Path));
        var deployment = _patches.Single(p => p.Path.EndsWith("/deployments/cnibench-ingress", StringComparison.Ordinal)).Body;
        Assert.Contains("\"image\":\"registry.example:5000/cnibench-ingress:t1\"", deployment, StringComparison.Ordinal);
        Assert.DoesNotContain(_patches, p => p.Body.Contains("{{image}}", StringComparison.Ordinal));
        Assert.Contains("\"controller\":\"cnibench.io/ingress-yarp\"", _patches.Last().Body, StringComparison.Ordinal);
        Assert.True(result.InstalledNow);
        Assert.Equal("Service/cnibench-ingress/cnibench-ingress:80", result.Facts["ingress.service"]);
        Assert.Contains(_progress, p => p.Contains("kind load docker-image registry.example:5000/cnibench-ingress:t1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_YarpWithoutConfiguredImage_UsesCatalogDefault()
    {
        using var client = Client();

        await Installer(ShippedCatalog).EnsureInstalledAsync(client, "yarp", Cluster(disposable: true), Ct);

        var deployment = _patches.Single(p => p.Path.EndsWith("/deployments/cnibench-ingress", StringComparison.Ordinal)).Body;
        Assert.Contains("\"image\":\"cnibench-ingress:dev\"", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalledAsync_YarpOnNonDisposableCluster_RefusesWithoutWrites()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Installer(ShippedCatalog).EnsureInstalledAsync(client, "yarp", Cluster(disposable: false), Ct));

        Assert.Contains("does not run ingress controller yarp (missing: Deployment/cnibench-ingress/cnibench-ingress)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_YarpImageWithSpace_RefusesBeforeAnyWrite()
    {
        using var client = Client();
        var installer = Installer(ShippedCatalog, images: new Dictionary<string, string> { ["yarp"] = "cnibench-ingress:dev --privileged" });

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            installer.EnsureInstalledAsync(client, "yarp", Cluster(disposable: true), Ct));

        Assert.Contains("is not an image reference", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_patches);
    }

    [Fact]
    public async Task EnsureInstalledAsync_NeverReady_TimeoutNamesTheDeployment()
    {
        _deployments["demo/demo-controller"] = false;
        using var client = Client();
        var installer = Installer(DemoCatalog(Sha(Manifest)), readyTimeout: TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            installer.EnsureInstalledAsync(client, "demo", Cluster(disposable: false), Ct));

        Assert.Contains("cluster 'kind-demo': ingress controller demo did not become ready within 0 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment/demo/demo-controller: 0/1 replicas available", ex.Message, StringComparison.Ordinal);
    }

    private static IngressCatalog ShippedCatalog => IngressCatalog.Load(Path.Combine(WorkloadTestPaths.Root, "manifests", "ingress"));

    private IngressCatalog DemoCatalog(string sha) => new([IngressCatalog.Parse(
        $$"""
        name: demo
        displayName: Demo
        upstream: { version: v1.0.0, project: https://example.org/demo }
        install:
          manifests:
            - url: {{BaseUrl}}/manifests/v1.0.0/demo.yaml
              sha256: {{sha}}
        readiness:
          - { kind: Deployment, namespace: demo, name: demo-controller }
        ingressClass: { name: demo, controller: example.org/demo, createdByInstall: true }
        service: { namespace: demo, name: demo-proxy, port: 80 }
        """,
        "/x/demo.yaml")]);

    private IngressInstaller Installer(
        IngressCatalog catalog, IProcessRunner? helmRunner = null, TimeSpan? readyTimeout = null, IReadOnlyDictionary<string, string>? images = null) => new(
        catalog,
        Downloader(),
        new HelmTool(helmRunner ?? new InstallingHelm(() => throw new InvalidOperationException("helm must not run")), _ => true),
        new IngressInstallerOptions
        {
            ReadyTimeout = readyTimeout ?? TimeSpan.FromSeconds(10),
            PollInterval = TimeSpan.FromMilliseconds(50),
            Progress = new SyncProgress(_progress),
            Images = images ?? new Dictionary<string, string>(),
        });

    protected override async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        var parts = path.Trim('/').Split('/');
        switch (request.Method, parts)
        {
            case ("GET", ["manifests", "v1.0.0", "demo.yaml"]):
                await http.Response.WriteAsync(Manifest);
                return;
            case ("GET", ["apis", "apps", "v1", "namespaces", var ns, "deployments", var name]) when _deployments.ContainsKey($"{ns}/{name}"):
                await WriteJsonAsync(http, Deployment(ns, name, _deployments[$"{ns}/{name}"]));
                return;
            case ("GET", ["apis", "networking.k8s.io", "v1", "ingressclasses", var name]) when _ingressClasses.TryGetValue(name, out var controller):
                await WriteJsonAsync(http, $$$"""{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"{{{name}}}"},"spec":{"controller":"{{{controller}}}"}}""");
                return;
            case ("PATCH", ["apis", "apps", "v1", "namespaces", var ns, "deployments", var name]):
                _patches.Enqueue((path, await ReadBodyAsync(request)));
                _deployments[$"{ns}/{name}"] = true;
                await WriteJsonAsync(http, Deployment(ns, name, ready: true));
                return;
            case ("PATCH", _):
                var body = await ReadBodyAsync(request);
                _patches.Enqueue((path, body));
                await WriteJsonAsync(http, body);
                return;
            default:
                await NotFoundAsync(http);
                return;
        }
    }

    private static string Deployment(string ns, string name, bool ready) =>
        $$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{name}}","namespace":"{{ns}}","generation":1},""" +
        $$"""
        "spec":{"replicas":1,"selector":{"matchLabels":{"app":"{{name}}"} } },"status":{"availableReplicas":{{(ready ? 1 : 0)}} } }
        """;

    /// <summary>A helm that "installs" by running <paramref name="onInstall"/>, so the fake API then serves the chart's workloads.</summary>
    private sealed class InstallingHelm(Action onInstall) : IProcessRunner
    {
        public List<ProcessSpec> Runs { get; } = [];

        public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
        {
            Runs.Add(spec);
            onInstall();
            return Task.FromResult(new ProcessResult(0, "", "", TimeSpan.Zero));
        }

        public IRunningProcess Start(ProcessSpec spec) => throw new NotSupportedException("helm is never started in the background");
    }
}
