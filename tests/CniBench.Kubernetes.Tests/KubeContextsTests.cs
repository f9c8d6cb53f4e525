using System.Net.Sockets;
using k8s.Models;

namespace CniBench.Kubernetes.Tests;

public sealed class KubeContextsTests
{
    [Fact]
    public void ResolvePaths_ExplicitPath_WinsOverKubeconfigVariable()
    {
        var paths = KubeContexts.ResolvePaths("/tmp/a", new Dictionary<string, string?> { ["KUBECONFIG"] = "/tmp/b" });

        Assert.Equal(["/tmp/a"], paths);
    }

    [Fact]
    public void ResolvePaths_KubeconfigVariableWithList_SplitsOnPathSeparator()
    {
        var paths = KubeContexts.ResolvePaths(null, new Dictionary<string, string?> { ["KUBECONFIG"] = "/tmp/b:/tmp/c" });

        Assert.Equal(["/tmp/b", "/tmp/c"], paths);
    }

    [Fact]
    public void ResolvePaths_NothingSet_UsesHomeKubeConfig()
    {
        var paths = KubeContexts.ResolvePaths(null, new Dictionary<string, string?>());

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"), Assert.Single(paths));
    }

    [Fact]
    public void Connect_MissingFile_SaysWhereItLooked()
    {
        var error = Assert.Throws<KubeOperationException>(() => KubeContexts.Connect("/nonexistent/cnb-kubeconfig", "x"));

        Assert.Contains("no kubeconfig found (looked at /nonexistent/cnb-kubeconfig)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_SocketFailure_NamesClusterAndWhat()
    {
        var failure = new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused));

        var message = KubeErrors.Describe(failure, "kind-calico", "listing nodes");

        Assert.StartsWith("cannot reach the API server of cluster 'kind-calico' while listing nodes: ConnectionRefused", message, StringComparison.Ordinal);
    }

    [Fact]
    public void CniImages_PodsOfSeveralCnis_KeepsOnlyTheNamedCnisImages()
    {
        V1Pod Pod(params string[] images) => new() { Spec = new V1PodSpec { Containers = [.. images.Select(i => new V1Container { Name = "c", Image = i })] } };
        var pods = new[] { Pod("quay.io/cilium/cilium:v1.18.2", "quay.io/cilium/operator:v1.18.2"), Pod("registry.k8s.io/coredns/coredns:v1.11.1"), Pod("quay.io/cilium/cilium:v1.18.2") };

        var images = ClusterFacts.CniImages(pods, "cilium");

        Assert.Equal(["quay.io/cilium/cilium:v1.18.2", "quay.io/cilium/operator:v1.18.2"], images);
    }

    [Fact]
    public void RunNamespace_RunId_UsesTheShortTag()
    {
        Assert.Equal("cnibench-3fa2", KubeLabels.RunNamespace("20260101T000000Z-3fa2"));
    }
}
