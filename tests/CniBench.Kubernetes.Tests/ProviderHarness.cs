using CniBench.Core.Clusters;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Tests.Fakes;

namespace CniBench.Kubernetes.Tests;

/// <summary>A fake API server with two Ready nodes, a kubeconfig for it, and a provider pointed at it.</summary>
internal sealed class ProviderHarness : IAsyncDisposable
{
    public const string RunId = "20260101T000000Z-3fa2";

    public const string Context = "fake";

    private readonly string _directory;

    private ProviderHarness(FakeKubeApiServer server, string directory)
    {
        Server = server;
        _directory = directory;
        Kubeconfig = server.WriteKubeconfig(directory, Context);
    }

    public FakeKubeApiServer Server { get; }

    public string Kubeconfig { get; }

    public static ClusterRequest Request => new("flannel", new ClusterShape(Nodes: 2, PodsPerNode: 2, UnderlayMtu: 1500));

    public static async Task<ProviderHarness> StartAsync(int nodes = 2)
    {
        var server = await FakeKubeApiServer.StartAsync();
        for (var i = 1; i <= nodes; i++)
        {
            server.AddNode($"node-{i}");
        }

        var directory = Directory.CreateTempSubdirectory("cnb-kube-").FullName;
        return new ProviderHarness(server, directory);
    }

    public KubernetesProvider Provider(Func<KubernetesProviderOptions, KubernetesProviderOptions>? adjust = null)
    {
        var options = new KubernetesProviderOptions
        {
            RunId = RunId,
            Workloads = new TestWorkloadSet(),
            Spec = new KubernetesSpec
            {
                Kubeconfig = Kubeconfig,
                ReadyTimeout = TimeSpan.FromSeconds(5),
                Clusters = new Dictionary<string, KubernetesClusterSpec> { ["flannel"] = new() { Context = Context, Disposable = true } },
            },
            NamespaceGoneTimeout = TimeSpan.FromSeconds(5),
        };
        return new KubernetesProvider(adjust is null ? options : adjust(options));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
