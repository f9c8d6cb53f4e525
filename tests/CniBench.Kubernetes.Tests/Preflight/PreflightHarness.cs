using System.Net;
using System.Net.Sockets;
using CniBench.Catalog;
using CniBench.Kubernetes.Preflight;
using CniBench.Kubernetes.Tests.Workloads;

namespace CniBench.Kubernetes.Tests.Preflight;

/// <summary>A fake cluster that passes the preflight as it stands: two Ready workers running flannel, every access allowed.</summary>
internal sealed class PreflightHarness : IAsyncDisposable
{
    public const string Context = "fake";

    private readonly string _directory;

    private PreflightHarness(FakeKubeApiServer server)
    {
        Server = server;
        _directory = Directory.CreateTempSubdirectory("cnb-doctor-").FullName;
        Kubeconfig = server.WriteKubeconfig(_directory, Context);
    }

    public FakeKubeApiServer Server { get; }

    public string Kubeconfig { get; }

    public static CniCatalog Catalog { get; } = CniCatalog.Load(WorkloadTestPaths.Cni);

    /// <param name="flannel">False leaves the cluster without a CNI.</param>
    public static async Task<PreflightHarness> StartAsync(bool flannel = true)
    {
        var server = await FakeKubeApiServer.StartAsync();
        server.AddNode("node-1");
        server.AddNode("node-2");
        if (flannel)
        {
            server.AddDaemonSet("kube-flannel", "kube-flannel-ds");
        }

        return new PreflightHarness(server);
    }

    public static ClusterPreflightOptions Options(RunNeeds? needs = null) => new()
    {
        Needs = needs ?? PreflightNeeds.ForContext("flannel", Catalog, allowInstall: false),
        Catalog = Catalog,
        Pull = new ImagePullOptions { PollInterval = TimeSpan.FromMilliseconds(50), Timeout = TimeSpan.FromSeconds(10), NamespaceGoneTimeout = TimeSpan.FromSeconds(10) },
        IsOnPath = _ => true,
    };

    public async Task<PreflightReport> RunAsync(ClusterPreflightOptions? options = null)
    {
        using var connection = KubeContexts.Connect(Kubeconfig, Context);
        return await ClusterPreflight.RunAsync(connection, options ?? Options(), TestContext.Current.CancellationToken);
    }

    /// <summary>A loopback port nothing listens on: the API server of a cluster that is down.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
