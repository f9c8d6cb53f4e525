using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using CniBench.Cli.Commands;
using k8s;
using k8s.Models;

namespace CniBench.Cli.Tests;

public sealed class RenderCommandTests : IDisposable
{
    // A manifest with the shapes that must survive re-serialisation: a multi-line string, strings that look like
    // booleans and numbers, and a cluster-scoped object that upstream gave a namespace.
    private const string TinyManifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: cnb-tiny-system
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: cnb-tiny
          namespace: kube-system
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cnb-tiny-config
          namespace: cnb-tiny-system
        data:
          enabled: "true"
          port: "8472"
          net-conf.json: |
            {
              "Network": "198.18.0.0/16"
            }
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: cnb-tiny-agent
          namespace: cnb-tiny-system
        spec:
          selector:
            matchLabels: { app: cnb-tiny }
          template:
            metadata:
              labels: { app: cnb-tiny }
            spec:
              hostNetwork: true
              containers:
                - name: agent
                  image: registry.example/tiny:1.0
        """;

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "cnibench-render-tests", Guid.NewGuid().ToString("N"));

    private string EmptyCache => Path.Combine(_temp, "empty-cache");

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RenderAsync(params string[] args)
    {
        var root = new RootCommand { RenderCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var parse = root.Parse(["render", .. args]);
        var code = parse.Errors.Count > 0 ? ExitCodes.BadInput : await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static string Repo => RepoPaths.Root();

    [Theory]
    [InlineData("calico")]
    [InlineData("canal")]
    [InlineData("cilium")]
    [InlineData("flannel")]
    [InlineData("kube-router")]
    [InlineData("weavenet")]
    public async Task Render_KubernetesScenarioEachCni_PrintsValidMultiDocumentYaml(string cni)
    {
        var (code, output, error) = await RenderAsync(Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", cni, "--run-id", "20261126T000000Z-abcd", "--cache", EmptyCache);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        var objects = KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true);
        Assert.Equal(30, objects.Count);
        Assert.Equal("cnibench-abcd", objects.OfType<V1Namespace>().First().Metadata.Name);
        Assert.Contains($"# CNI install: {cni} ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_KubernetesIngressScenario_AddsEachControllersServicesAndIngressWithItsClass()
    {
        var (code, output, error) = await RenderAsync(
            Path.Combine(Repo, "scenarios", "kubernetes-ingress.yaml"), "--cni", "calico", "--run-id", "20261126T000000Z-abcd", "--no-cni");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        var objects = KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true);
        var ingresses = objects.OfType<V1Ingress>().ToList();
        Assert.Equal(["cnibench", "nginx", "haproxy", "contour", "traefik", "kong"], ingresses.Select(i => i.Spec.IngressClassName));
        Assert.All(ingresses, i => Assert.Equal(("cnb-ingress", "cnibench-abcd"), (i.Metadata.Name, i.Metadata.NamespaceProperty)));
        Assert.Equal(6 * 2, objects.OfType<V1Service>().Count(s => s.Metadata.Name is "web" or "web-v2"));
        Assert.All(objects.OfType<V1Service>().Where(s => s.Metadata.Name == "web"), s => Assert.Equal("http", Assert.Single(s.Spec.Ports).Name));
        Assert.Contains("# ingress test, controller haproxy-ingress v0.16.1: helm chart haproxy-ingress 0.16.1", output, StringComparison.Ordinal);

        // Two nodes with four workload pods each (the scenario's lab.podsPerNode): four backends off the client's node.
        Assert.Equal(8, objects.OfType<V1Pod>().Count(p => p.Metadata.Name.StartsWith("cnb-n", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Render_ManifestCniCached_PrintsManifestObjectsBeforeWorkloads()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TinyManifest)));
        var catalog = CatalogPinning("flannel", sha);
        var cache = Path.Combine(_temp, "cache");
        Directory.CreateDirectory(Path.Combine(cache, "manifests"));
        await File.WriteAllTextAsync(Path.Combine(cache, "manifests", sha + ".yaml"), TinyManifest, TestContext.Current.CancellationToken);

        var (code, output, error) = await RenderAsync(
            Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", "flannel", "--run-id", "20261126T000000Z-abcd", "--manifests", catalog, "--cache", cache);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains($"sha256 {sha}: from the cache, 4 objects below", output, StringComparison.Ordinal);
        var objects = KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true);
        Assert.Equal(30 + 4, objects.Count);
        Assert.Equal("cnb-tiny-system", Assert.IsType<V1Namespace>(objects[0]).Metadata.Name);
        Assert.Null(Assert.IsType<V1ClusterRole>(objects[1]).Metadata.NamespaceProperty);
        var config = Assert.IsType<V1ConfigMap>(objects[2]);
        Assert.Equal("true", config.Data["enabled"]);
        Assert.Equal("8472", config.Data["port"]);
        Assert.Equal("{\n  \"Network\": \"198.18.0.0/16\"\n}\n", config.Data["net-conf.json"]);
        var agent = Assert.IsType<V1DaemonSet>(objects[3]);
        Assert.Equal("cnb-tiny-agent", agent.Metadata.Name);
        Assert.True(agent.Spec.Template.Spec.HostNetwork);
        Assert.Equal("cnibench-abcd", objects.OfType<V1Namespace>().ElementAt(1).Metadata.Name);
    }

    [Fact]
    public async Task Render_ManifestCniNotCached_PrintsUrlShaAndCachePathComment()
    {
        var (code, output, _) = await RenderAsync(Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", "calico", "--cache", EmptyCache);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("#   https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/calico.yaml\n", output, StringComparison.Ordinal);
        var sha = "a1df919d9721cf667accdc3e72848911b0cb25cfab7d2478ad0c996302c95744";
        Assert.Contains(
            $"#     sha256 {sha}: not cached: run once with network or fetch it to {Path.Combine(EmptyCache, "manifests", sha + ".yaml")}\n",
            output,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(EmptyCache));
        Assert.Equal(30, KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true).Count);
    }

    [Fact]
    public async Task Render_DamagedCacheEntry_TreatedAsNotCachedAndLeftAlone()
    {
        var sha = "a1df919d9721cf667accdc3e72848911b0cb25cfab7d2478ad0c996302c95744";
        var entry = Path.Combine(_temp, "cache", "manifests", sha + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
        await File.WriteAllTextAsync(entry, TinyManifest, TestContext.Current.CancellationToken);

        var (code, output, _) = await RenderAsync(Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", "calico", "--cache", Path.Combine(_temp, "cache"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"sha256 {sha}: not cached", output, StringComparison.Ordinal);
        Assert.True(File.Exists(entry));
        Assert.Equal(30, KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true).Count);
    }

    [Fact]
    public async Task Render_HelmCni_PrintsHelmArgvComment()
    {
        var (code, output, _) = await RenderAsync(Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", "cilium", "--cache", EmptyCache);

        Assert.Equal(ExitCodes.Ok, code);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("#   helm ", StringComparison.Ordinal));
        Assert.StartsWith("#   helm upgrade --install cilium cilium --repo https://helm.cilium.io/ --version ", line, StringComparison.Ordinal);
        Assert.Contains(" -n kube-system --create-namespace", line, StringComparison.Ordinal);
        Assert.Contains(" --kube-context kind-cnibench-cilium", line, StringComparison.Ordinal);
        Assert.Equal(30, KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true).Count);
    }

    [Fact]
    public async Task Render_NoCni_PrintsWorkloadsOnly()
    {
        var (code, output, _) = await RenderAsync(Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", "calico", "--no-cni");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain("CNI install", output, StringComparison.Ordinal);
        Assert.Equal(30, KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true).Count);
    }

    // A copy of the real catalog whose one CNI pins the given hash, so a tiny manifest can stand in for upstream's.
    private string CatalogPinning(string cni, string sha)
    {
        var directory = Path.Combine(_temp, "catalog");
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(Path.Combine(Repo, "manifests", "cni"), "*.yaml"))
        {
            var text = File.ReadAllText(file);
            if (Path.GetFileNameWithoutExtension(file) == cni)
            {
                var pinned = System.Text.RegularExpressions.Regex.Match(text, "sha256: ([0-9a-f]{64})").Groups[1].Value;
                Assert.NotEqual("", pinned);
                text = text.Replace(pinned, sha, StringComparison.Ordinal);
            }

            File.WriteAllText(Path.Combine(directory, Path.GetFileName(file)), text);
        }

        return directory;
    }

    [Fact]
    public async Task Render_CniNotInScenario_ExitsBadInputWithMessage()
    {
        var (code, output, error) = await RenderAsync(Path.Combine(Repo, "scenarios", "quick.yaml"), "--cni", "cilium");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", output);
        Assert.Contains("'cilium' is not one of the scenario's cnis", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_MissingScenarioFile_ExitsBadInput()
    {
        var (code, output, error) = await RenderAsync("/nonexistent/cnb.yaml", "--cni", "calico");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", output);
        Assert.Contains("the scenario has", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BadRunId_ExitsBadInput()
    {
        var (code, _, error) = await RenderAsync(Path.Combine(Repo, "scenarios", "default.yaml"), "--cni", "calico", "--run-id", "bad id");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("run id 'bad id'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NoCni_ExitsBadInput()
    {
        var (code, _, _) = await RenderAsync(Path.Combine(Repo, "scenarios", "default.yaml"));

        Assert.Equal(ExitCodes.BadInput, code);
    }
}
