using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Catalog;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Catalog;

/// <summary>
/// Variants (<c>cni+variant</c>) through the catalog installer, against one loopback app that is both the manifest
/// host and a minimal API server (DaemonSets, Secrets, ConfigMaps, custom objects), with a scripted helm.
/// Fixture catalogs only: <c>demo</c> installs from a manifest, <c>chart</c> from a Helm chart.
/// </summary>
public sealed partial class VariantInstallTests() : InstallerTestServer("cnibench-variant-tests")
{
    private const string Manifest = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: demo-agent
          namespace: kube-system
        spec:
          template:
            spec:
              containers: [{ name: agent, image: demo }]
        """;

    private const string PasswordPatch = """{"spec":{"template":{"spec":{"containers":[{"name":"agent","env":[{"name":"DEMO_PASSWORD","valueFrom":{"secretKeyRef":{"name":"demo-passwd","key":"demo-passwd"}}}]}]}}}}""";

    /// <summary>Every API request and helm run, in order: "PATCH /path content-type body", "helm argv".</summary>
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentDictionary<string, bool> _daemonSets = new();
    private readonly ConcurrentDictionary<string, string> _objects = new();
    private readonly List<string> _progress = [];
    private bool _helmInstalled = true;
    private string _helmValues = "{}";

    [Fact]
    public async Task EnsureInstalledAsync_HelmIpsecVariant_CreatesSecretThenInstallsWithVariantValues()
    {
        using var client = Client();

        var result = await Installer().EnsureInstalledAsync(client, new ClusterId("chart", "ipsec"), Cluster(disposable: true), Ct);

        var entries = _log.ToList();
        var secretIndex = entries.FindIndex(e => e.StartsWith("POST /api/v1/namespaces/kube-system/secrets", StringComparison.Ordinal));
        var helmIndex = entries.FindIndex(e => e.StartsWith("helm upgrade --install", StringComparison.Ordinal));
        Assert.InRange(secretIndex, 0, helmIndex - 1);
        Assert.Contains("--set encryption.enabled=true --set encryption.type=ipsec", entries[helmIndex], StringComparison.Ordinal);
        var key = SecretValue(entries[secretIndex], "keys");
        Assert.Matches(IpsecKey(), key);
        Assert.Equal("chart-ipsec-keys", JsonNode.Parse(Body(entries[secretIndex]))!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("ipsec", result.Facts["encryption"]);
        Assert.Equal("applied by CniBench at install", result.Facts["encryption.verified"]);
        AssertKeyNeverReported(key, result);
    }

    [Fact]
    public async Task EnsureInstalledAsync_ManifestPasswordVariant_SecretBeforeManifestThenStrategicPatchAfterReady()
    {
        using var client = Client();

        var result = await Installer().EnsureInstalledAsync(client, new ClusterId("demo", "password"), Cluster(disposable: true), Ct);

        var entries = _log.ToList();
        var secret = entries.FindIndex(e => e.StartsWith("POST /api/v1/namespaces/kube-system/secrets", StringComparison.Ordinal));
        var patches = entries.Select((e, i) => (e, i)).Where(x => x.e.StartsWith("PATCH /apis/apps/v1/namespaces/kube-system/daemonsets/demo-agent", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, patches.Count);
        Assert.InRange(secret, 0, patches[0].i - 1);
        Assert.Contains("application/apply-patch+yaml", patches[0].e, StringComparison.Ordinal);
        Assert.Contains("application/strategic-merge-patch+json", patches[1].e, StringComparison.Ordinal);
        Assert.Equal(PasswordPatch, Body(patches[1].e));
        var password = SecretValue(entries[secret], "demo-passwd");
        Assert.Matches("^[A-Za-z0-9]{40}$", password);
        Assert.Equal("password", result.Facts["encryption"]);
        AssertKeyNeverReported(password, result);
    }

    [Fact]
    public async Task EnsureInstalledAsync_ConfigMapPatchVariant_RestartsTheAgentsAfterPatching()
    {
        using var client = Client();

        await Installer().EnsureInstalledAsync(client, new ClusterId("demo", "conf"), Cluster(disposable: true), Ct);

        var entries = _log.ToList();
        var configMap = entries.FindIndex(e => e.StartsWith("PATCH /api/v1/namespaces/kube-system/configmaps/demo-cfg", StringComparison.Ordinal));
        Assert.True(configMap >= 0, string.Join('\n', entries));
        Assert.Contains("application/merge-patch+json", entries[configMap], StringComparison.Ordinal);
        var restart = entries.FindLastIndex(e => e.StartsWith("PATCH /apis/apps/v1/namespaces/kube-system/daemonsets/demo-agent", StringComparison.Ordinal));
        Assert.True(restart > configMap);
        Assert.Contains(CatalogInstaller.RestartAnnotation, entries[restart], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalledAsync_VariantTheCniDoesNotOffer_UnsupportedBeforeAnyRequest()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() => Installer().EnsureInstalledAsync(client, new ClusterId("demo", "ipsec"), Cluster(disposable: true), Ct));

        Assert.Contains("demo offers no variant 'ipsec'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_log);
    }

    [Fact]
    public async Task EnsureInstalledAsync_DatapathVariantWithoutKubernetesSettings_UnsupportedBeforeAnyRequest()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() => Installer().EnsureInstalledAsync(client, new ClusterId("demo", "host-gw"), Cluster(disposable: true), Ct));

        Assert.Contains("no kubernetes.encryption entry 'host-gw'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("datapath variant", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_log);
    }

    [Fact]
    public async Task EnsureInstalledAsync_NotDisposableVariantMissing_UnsupportedAndNothingChanged()
    {
        _daemonSets["kube-system/demo-agent"] = true;
        _objects["/apis/example.org/v1/agentconfigurations/default"] = """{"apiVersion":"example.org/v1","kind":"AgentConfiguration","metadata":{"name":"default"},"spec":{"logSeverity":"Info"}}""";
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() => Installer().EnsureInstalledAsync(client, new ClusterId("demo", "wireguard"), Cluster(disposable: false), Ct));

        Assert.Contains("runs demo but not its variant 'wireguard'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spec.wireguardEnabled is absent, the variant sets true", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_log, e => !e.StartsWith("GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_NotDisposableVariantActive_RecordsItVerified()
    {
        _daemonSets["kube-system/demo-agent"] = true;
        _objects["/apis/example.org/v1/agentconfigurations/default"] = """{"apiVersion":"example.org/v1","kind":"AgentConfiguration","metadata":{"name":"default"},"spec":{"wireguardEnabled":true,"logSeverity":"Info"}}""";
        using var client = Client();

        var result = await Installer().EnsureInstalledAsync(client, new ClusterId("demo", "wireguard"), Cluster(disposable: false), Ct);

        Assert.Equal("wireguard", result.Facts["encryption"]);
        Assert.Equal("yes: checked AgentConfiguration default", result.Facts["encryption.verified"]);
        Assert.DoesNotContain(_log, e => !e.StartsWith("GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_NotDisposableHelmVariantWithoutHelm_RecordsNotVerified()
    {
        _daemonSets["kube-system/chart-agent"] = true;
        _helmInstalled = false;
        using var client = Client();

        var result = await Installer().EnsureInstalledAsync(client, new ClusterId("chart", "wireguard"), Cluster(disposable: false), Ct);

        Assert.Equal("no: helm is not installed, so the release's values were not read", result.Facts["encryption.verified"]);
        Assert.DoesNotContain(_log, e => !e.StartsWith("GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_NotDisposableHelmVariantActive_ReadsReleaseValues()
    {
        _daemonSets["kube-system/chart-agent"] = true;
        _helmValues = """{"encryption":{"enabled":true,"type":"wireguard"},"ipam":{"mode":"kubernetes"}}""";
        using var client = Client();

        var result = await Installer().EnsureInstalledAsync(client, new ClusterId("chart", "wireguard"), Cluster(disposable: false), Ct);

        Assert.StartsWith("yes: ", result.Facts["encryption.verified"], StringComparison.Ordinal);
        Assert.Contains(_log, e => e.StartsWith("helm get values chart -n kube-system --all -o json --kube-context kind-demo", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, e => e.StartsWith("helm upgrade", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_DisposableRunningCniWithoutVariant_SwitchesItOnAndRestarts()
    {
        _daemonSets["kube-system/chart-agent"] = true;
        _helmValues = """{"encryption":{"enabled":false,"type":"ipsec"}}""";
        using var client = Client();

        var result = await Installer().EnsureInstalledAsync(client, new ClusterId("chart", "wireguard"), Cluster(disposable: true), Ct);

        var entries = _log.ToList();
        var upgrade = entries.FindIndex(e => e.StartsWith("helm upgrade --install", StringComparison.Ordinal));
        Assert.Contains("--set encryption.enabled=true --set encryption.type=wireguard", entries[upgrade], StringComparison.Ordinal);
        var restart = entries.FindIndex(e => e.StartsWith("PATCH /apis/apps/v1/namespaces/kube-system/daemonsets/chart-agent", StringComparison.Ordinal));
        Assert.True(restart > upgrade);
        Assert.Equal("applied by CniBench to the running CNI", result.Facts["encryption.verified"]);
    }

    [Fact]
    public async Task EnsureInstalledAsync_SecretAlreadyExists_KeepsItsKey()
    {
        _objects["/api/v1/namespaces/kube-system/secrets/chart-ipsec-keys"] = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"chart-ipsec-keys","namespace":"kube-system"}}""";
        using var client = Client();

        await Installer().EnsureInstalledAsync(client, new ClusterId("chart", "ipsec"), Cluster(disposable: true), Ct);

        Assert.DoesNotContain(_log, e => e.StartsWith("POST", StringComparison.Ordinal));
        Assert.Contains(_progress, p => p.Contains("Secret kube-system/chart-ipsec-keys exists; keeping its key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalledAsync_SecretCreationFails_MessageNamesSecretWithoutKey()
    {
        using var client = Client();
        _failSecretCreate = true;

        var ex = await Assert.ThrowsAsync<KubeOperationException>(() => Installer().EnsureInstalledAsync(client, new ClusterId("chart", "ipsec"), Cluster(disposable: true), Ct));

        var key = SecretValue(_log.Single(e => e.StartsWith("POST", StringComparison.Ordinal)), "keys");
        Assert.Contains("creating Secret kube-system/chart-ipsec-keys", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.ToString(), StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    private volatile bool _failSecretCreate;

    private void AssertKeyNeverReported(string key, CniInstallResult result)
    {
        Assert.NotEmpty(_progress);
        Assert.All(_progress, p => Assert.DoesNotContain(key, p, StringComparison.Ordinal));
        Assert.All(result.Facts.Values, v => Assert.DoesNotContain(key, v, StringComparison.Ordinal));

        // Only the Secret's own body carries it (base64), and no helm argument does.
        Assert.All(_log.Where(e => !e.StartsWith("POST /api/v1/namespaces/kube-system/secrets", StringComparison.Ordinal)), e => Assert.DoesNotContain(key, e, StringComparison.Ordinal));
    }

    private static string Body(string entry) => entry[(entry.IndexOf(" BODY ", StringComparison.Ordinal) + 6)..];

    private static string SecretValue(string entry, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(JsonNode.Parse(Body(entry))!["data"]![key]!.GetValue<string>()));

    private CatalogInstaller Installer()
    {
        var sha = Sha(Manifest);
        var demo = CniCatalog.Parse(
            $$$"""
            name: demo
            displayName: Demo
            upstream: { version: v1.0.0, project: https://example.org/demo }
            policy: { ingress: false, egress: false }
            variants:
              - { name: wireguard, kind: encryption, summary: "a switch in the agent's configuration object" }
              - { name: password, kind: encryption, summary: "a password from a Secret in the agent's environment" }
              - { name: conf, kind: encryption, summary: "a backend in a ConfigMap read at start" }
              - { name: host-gw, kind: datapath, summary: "routes instead of a tunnel" }
            kubernetes:
              manifests:
                - url: {{{BaseUrl}}}/manifests/v1.0.0/demo.yaml
                  sha256: {{{sha}}}
              podCidr: { mustMatchClusterCidr: true, setting: x }
              readiness:
                - { kind: DaemonSet, namespace: kube-system, name: demo-agent }
              encryption:
                - name: wireguard
                  patches:
                    - { apiVersion: example.org/v1, kind: AgentConfiguration, name: default, type: merge, patch: '{"spec":{"wireguardEnabled":true}}' }
                - name: password
                  secret: { namespace: kube-system, name: demo-passwd, key: demo-passwd, generate: password }
                  patches:
                    - apiVersion: apps/v1
                      kind: DaemonSet
                      namespace: kube-system
                      name: demo-agent
                      type: strategic
                      patch: '{{{PasswordPatch}}}'
                - name: conf
                  patches:
                    - { apiVersion: v1, kind: ConfigMap, namespace: kube-system, name: demo-cfg, type: merge, patch: '{"data":{"net-conf.json":"{\"Backend\":{\"Type\":\"wireguard\"}}"}}' }
            """,
            "/x/demo.yaml");
        var chart = CniCatalog.Parse(
            """
            name: chart
            displayName: Chart
            upstream: { version: v1.0.0, project: https://example.org/chart }
            policy: { ingress: true, egress: true }
            variants:
              - { name: wireguard, kind: encryption, summary: "chart values" }
              - { name: ipsec, kind: encryption, summary: "chart values and a key Secret" }
            kubernetes:
              helm: { repo: "https://charts.example.org/", chart: chart, version: 1.0.0, release: chart, namespace: kube-system }
              podCidr: { mustMatchClusterCidr: false, setting: x }
              readiness:
                - { kind: DaemonSet, namespace: kube-system, name: chart-agent }
              encryption:
                - name: wireguard
                  helmValues: { encryption.enabled: "true", encryption.type: wireguard }
                - name: ipsec
                  secret: { namespace: kube-system, name: chart-ipsec-keys, key: keys, generate: ipsec-key }
                  helmValues: { encryption.enabled: "true", encryption.type: ipsec }
            """,
            "/x/chart.yaml");
        var helm = new HelmTool(new HelmRunner(this), _ => _helmInstalled);
        return new CatalogInstaller(
            new CniCatalog([demo, chart]),
            Downloader(),
            helm,
            new CatalogInstallerOptions
            {
                ReadyTimeout = TimeSpan.FromSeconds(10),
                PollInterval = TimeSpan.FromMilliseconds(20),
                Progress = new SyncProgress(_progress),
            });
    }

    protected override async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        var body = request.Method is "PATCH" or "POST" ? await ReadBodyAsync(request) : "";

        _log.Enqueue($"{request.Method} {path}{request.QueryString} {request.ContentType} BODY {body}");
        var parts = path.Trim('/').Split('/');
        switch (request.Method, parts)
        {
            case ("GET", ["manifests", "v1.0.0", "demo.yaml"]):
                await http.Response.WriteAsync(Manifest);
                return;
            case ("GET", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets"]):
                var items = _daemonSets.Keys.Where(k => k.StartsWith(ns + "/", StringComparison.Ordinal)).Select(DaemonSet);
                await WriteJsonAsync(http, $$"""{"apiVersion":"apps/v1","kind":"DaemonSetList","metadata":{},"items":[{{string.Join(",", items)}}]}""");
                return;
            case ("GET", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets", var name]) when _daemonSets.ContainsKey($"{ns}/{name}"):
                await WriteJsonAsync(http, DaemonSet($"{ns}/{name}"));
                return;
            case ("PATCH", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets", var name]):
                _daemonSets[$"{ns}/{name}"] = true;
                await WriteJsonAsync(http, DaemonSet($"{ns}/{name}"));
                return;
            case ("POST", ["api", "v1", "namespaces", _, "secrets"]) when _failSecretCreate:
                http.Response.StatusCode = 403;
                await WriteJsonAsync(http, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"secrets is forbidden","reason":"Forbidden","code":403}""");
                return;
            case ("POST", ["api", "v1", "namespaces", _, "secrets"]):
                http.Response.StatusCode = 201;
                await WriteJsonAsync(http, body);
                return;
            case ("GET", _) when _objects.TryGetValue(path, out var stored):
                await WriteJsonAsync(http, stored);
                return;
            case ("PATCH", _):
                await WriteJsonAsync(http, body);
                return;
            default:
                await NotFoundAsync(http);
                return;
        }
    }

    private string DaemonSet(string key) => DaemonSetJson(key.Split('/')[0], key.Split('/')[1], _daemonSets[key]);

    [GeneratedRegex(@"^3 rfc4106\(gcm\(aes\)\) [0-9a-f]{40} 128$")]
    private static partial Regex IpsecKey();

    /// <summary>helm as the installer sees it: logged in order with the API calls; an install makes the chart's agent ready.</summary>
    private sealed class HelmRunner(VariantInstallTests owner) : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
        {
            owner._log.Enqueue($"helm {string.Join(' ', spec.Arguments)}");
            if (spec.Arguments is ["get", "values", ..])
            {
                return Task.FromResult(new ProcessResult(0, owner._helmValues, "", TimeSpan.Zero));
            }

            owner._daemonSets["kube-system/chart-agent"] = true;
            return Task.FromResult(new ProcessResult(0, "", "", TimeSpan.Zero));
        }

        public IRunningProcess Start(ProcessSpec spec) => throw new NotSupportedException("helm is never started in the background");
    }
}
