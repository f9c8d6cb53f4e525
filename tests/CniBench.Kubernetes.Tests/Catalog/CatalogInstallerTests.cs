using System.Collections.Concurrent;
using CniBench.Catalog;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Catalog;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Catalog;

/// <summary>
/// The installer end to end against one loopback Kestrel app that plays both the manifest host and a minimal
/// API server (DaemonSet list/read, server-side apply PATCH). A DaemonSet turns ready once it has been applied.
/// </summary>
public sealed class CatalogInstallerTests() : InstallerTestServer("cnibench-installer-tests")
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo-system
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: demo
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: demo-agent
          namespace: kube-system
        spec:
          template:
            spec:
              hostNetwork: true
        """;

    private readonly ConcurrentDictionary<string, bool> _daemonSets = new();
    private volatile bool _failPodList;

    [Fact]
    public async Task EnsureInstalledAsync_DisposableEmptyCluster_AppliesManifestAndWaitsReady()
    {
        using var client = Client();

        await Installer(Sha(Manifest)).EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: true), Ct);

        var patches = Requests.Where(r => r.StartsWith("PATCH", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, patches.Count);
        Assert.StartsWith("PATCH /api/v1/namespaces/demo-system?", patches[0], StringComparison.Ordinal);
        Assert.StartsWith("PATCH /apis/rbac.authorization.k8s.io/v1/clusterroles/demo?", patches[1], StringComparison.Ordinal);
        Assert.StartsWith("PATCH /apis/apps/v1/namespaces/kube-system/daemonsets/demo-agent?", patches[2], StringComparison.Ordinal);
        Assert.All(patches, p => Assert.Contains("fieldManager=cnibench", p, StringComparison.Ordinal));
        Assert.All(patches, p => Assert.Contains("force=true", p, StringComparison.Ordinal));
        Assert.All(patches, p => Assert.Contains(" application/apply-patch+yaml", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_HashMismatch_AppliesNothing()
    {
        using var client = Client();

        await Assert.ThrowsAsync<ManifestHashMismatchException>(() =>
            Installer(new string('a', 64)).EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: true), Ct));

        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_OtherCniRunning_RefusesWithoutDownloading()
    {
        _daemonSets["kube-system/other-agent"] = true;
        using var client = Client();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Installer(new string('a', 64)).EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: true), Ct));

        Assert.Contains("expects demo but the cluster runs other", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Requests, r => r.Contains("/manifests/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_NotDisposable_Refuses()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Installer(new string('a', 64)).EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: false), Ct));

        Assert.Contains("not marked disposable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_ExpectedCniNeverReady_TimesOutNamingDaemonSet()
    {
        _daemonSets["kube-system/demo-agent"] = false;
        using var client = Client();
        var installer = Installer(new string('a', 64), readyTimeout: TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            installer.EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: false), Ct));

        Assert.Contains("DaemonSet/kube-system/demo-agent: 0/2 pods ready", ex.Message, StringComparison.Ordinal);
        Assert.Contains("kind-demo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalledAsync_NeverReady_TimeoutListsPodStatesAndLastEvents()
    {
        _daemonSets["kube-system/demo-agent"] = false;
        using var client = Client();
        var installer = Installer(new string('a', 64), readyTimeout: TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            installer.EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: false), Ct));

        // The pods are found through the DaemonSet's own selector, not by name guessing.
        Assert.Contains(Requests, r => r.StartsWith("GET /api/v1/namespaces/kube-system/pods?labelSelector=app%3Ddemo-agent", StringComparison.Ordinal));
        Assert.Contains("pods of DaemonSet/kube-system/demo-agent: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("demo-agent-a Pending [install-cni (init) terminated Error exit 1, restarts 3; agent waiting PodInitializing, restarts 0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("demo-agent-b Running [agent waiting CrashLoopBackOff: back-off 5m0s restarting failed container, restarts 7]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("last events in kube-system: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Pod/demo-agent-b: Warning BackOff Back-off restarting failed container agent", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("event-1 ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("event-6 ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalledAsync_NeverReadyAndPodListFails_TimeoutStillNamesDaemonSet()
    {
        _daemonSets["kube-system/demo-agent"] = false;
        _failPodList = true;
        using var client = Client();
        var installer = Installer(new string('a', 64), readyTimeout: TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            installer.EnsureInstalledAsync(client, new Core.Clusters.ClusterId("demo"), Cluster(disposable: false), Ct));

        Assert.Contains("DaemonSet/kube-system/demo-agent: 0/2 pods ready", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pods of DaemonSet/kube-system/demo-agent: (could not list them: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Pod/demo-agent-b: Warning BackOff", ex.Message, StringComparison.Ordinal);
    }

    private CatalogInstaller Installer(string sha, TimeSpan? readyTimeout = null)
    {
        var demo = CniCatalog.Parse(
            $$"""
            name: demo
            displayName: Demo
            upstream: { version: v1.0.0, project: https://example.org/demo }
            policy: { ingress: false, egress: false }
            kubernetes:
              manifests:
                - url: {{BaseUrl}}/manifests/v1.0.0/demo.yaml
                  sha256: {{sha}}
              podCidr: { mustMatchClusterCidr: true, setting: x }
              readiness:
                - { kind: DaemonSet, namespace: kube-system, name: demo-agent }
            """,
            "/x/demo.yaml");
        var other = CniCatalog.Parse(
            """
            name: other
            displayName: Other
            upstream: { version: v1.0.0, project: https://example.org/other }
            policy: { ingress: false, egress: false }
            kubernetes:
              helm: { repo: "https://charts.example.org/", chart: other, version: 1.0.0, release: other, namespace: kube-system }
              podCidr: { mustMatchClusterCidr: false, setting: x }
              readiness:
                - { kind: DaemonSet, namespace: kube-system, name: other-agent }
            """,
            "/x/other.yaml");
        var helm = new HelmTool(new ScriptedRunner(new ProcessResult(1, "", "helm must not run", TimeSpan.Zero)), _ => true);
        return new CatalogInstaller(
            new CniCatalog([demo, other]),
            Downloader(),
            helm,
            new CatalogInstallerOptions { ReadyTimeout = readyTimeout ?? TimeSpan.FromSeconds(10), PollInterval = TimeSpan.FromMilliseconds(50) });
    }

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
            case ("GET", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets"]):
                var items = _daemonSets.Keys.Where(k => k.StartsWith(ns + "/", StringComparison.Ordinal)).Select(k => DaemonSet(k));
                await WriteJsonAsync(http, $$"""{"apiVersion":"apps/v1","kind":"DaemonSetList","metadata":{},"items":[{{string.Join(",", items)}}]}""");
                return;
            case ("GET", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets", var name]) when _daemonSets.ContainsKey($"{ns}/{name}"):
                await WriteJsonAsync(http, DaemonSet($"{ns}/{name}"));
                return;
            case ("GET", ["api", "v1", "namespaces", "kube-system", "pods"]) when !_failPodList && request.Query["labelSelector"] == "app=demo-agent":
                await WriteJsonAsync(http, PodList);
                return;
            case ("GET", ["api", "v1", "namespaces", "kube-system", "pods"]) when _failPodList:
                http.Response.StatusCode = 500;
                await WriteJsonAsync(http, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcd unavailable","reason":"InternalError","code":500}""");
                return;
            case ("GET", ["api", "v1", "namespaces", "kube-system", "events"]):
                await WriteJsonAsync(http, EventList);
                return;
            case ("PATCH", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets", var name]):
                _daemonSets[$"{ns}/{name}"] = true;
                await WriteJsonAsync(http, DaemonSet($"{ns}/{name}"));
                return;
            case ("PATCH", _):
                await WriteJsonAsync(http, await ReadBodyAsync(request));
                return;
            default:
                await NotFoundAsync(http);
                return;
        }
    }

    private string DaemonSet(string key) => DaemonSetJson(key.Split('/')[0], key.Split('/')[1], _daemonSets[key]);

    // One pod stuck in its init container, one crash-looping: the two shapes a broken CNI install usually takes.
    private const string PodList = """
        {"apiVersion":"v1","kind":"PodList","metadata":{},"items":[
          {"metadata":{"name":"demo-agent-b","namespace":"kube-system"},"status":{"phase":"Running",
            "containerStatuses":[{"name":"agent","ready":false,"restartCount":7,"image":"x","imageID":"","state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s restarting failed container"}}}]}},
          {"metadata":{"name":"demo-agent-a","namespace":"kube-system"},"status":{"phase":"Pending",
            "initContainerStatuses":[{"name":"install-cni","ready":false,"restartCount":3,"image":"x","imageID":"","state":{"terminated":{"reason":"Error","exitCode":1}}}],
            "containerStatuses":[{"name":"agent","ready":false,"restartCount":0,"image":"x","imageID":"","state":{"waiting":{"reason":"PodInitializing"}}}]}}
        ]}
        """;

    // Six events out of time order; only the last five by time are reported.
    private static string EventList => $$$"""
        {"apiVersion":"v1","kind":"EventList","metadata":{},"items":[{{{string.Join(",", new[] { 3, 1, 6, 2, 5 }.Select(Event).Append(BackOffEvent))}}}]}
        """;

    private static string Event(int i) =>
        $$$"""{"metadata":{"name":"e{{{i}}}","namespace":"kube-system"},"involvedObject":{"kind":"Pod","name":"demo-agent-a"},"reason":"event-{{{i}}}","message":"m","type":"Normal","lastTimestamp":"2026-11-26T10:00:0{{{i}}}Z"}""";

    private const string BackOffEvent =
        """{"metadata":{"name":"e4","namespace":"kube-system"},"involvedObject":{"kind":"Pod","name":"demo-agent-b"},"reason":"BackOff","message":"Back-off restarting failed container agent","type":"Warning","lastTimestamp":"2026-11-26T10:00:04Z"}""";
}
