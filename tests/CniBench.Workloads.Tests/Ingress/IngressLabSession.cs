using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Lab;
using CniBench.Processes;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>The ingress lab tests run one after the other: each checks that no controller directory is left behind, and two labs at once would also skew both.</summary>
internal static class IngressLabCollection
{
    public const string Name = "ingress lab";
}

/// <summary>
/// A real lab of 3 nodes × 2 pods for one CNI (root), the ingress test with the checkout's options, and a sink that
/// keeps every row and raw file; short measurements of 1 s after a 1 s warm-up. Disposal removes the lab.
/// </summary>
internal sealed class IngressLabSession : IAsyncDisposable
{
    private static readonly string[] Tools = ["ip", "bridge", "sysctl", "nginx", "haproxy", "wrk", "time", "pgrep", "install", "dotnet"];

    private readonly ICluster _cluster;
    private readonly IngressKind _test;
    private readonly IWorkloadHost _client;

    private IngressLabSession(string cni, ICluster cluster, IngressKindOptions options)
    {
        Cni = cni;
        _cluster = cluster;
        Options = options;
        _test = new IngressKind(options);
        (_client, Server) = EndpointSelector.Select(cluster, Topologies.Ingress) ?? throw new InvalidOperationException("no ingress pair");
    }

    public string Cni { get; }

    public IngressKindOptions Options { get; }

    /// <summary>The pod the controller runs in (the ingress node's first pod).</summary>
    public IWorkloadHost Server { get; }

    public RecordingSink Sink { get; } = new();

    /// <summary>Why the lab cannot be built here (the caller skips with it), or null.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "the ingress lab tests build a lab and need root on Linux";
        }

        var options = IngressKindOptions.FromRepository();
        if (options.Controllers.YarpDll is null || options.IngressTemplate is null)
        {
            return "cnibench-ingress is not built or manifests/workloads/ingress.yaml is missing";
        }

        var missing = Tools.Where(t => !ToolPackages.IsOnPath(t)).ToList();
        return missing.Count == 0 ? null : $"the ingress lab tests need {string.Join(", ", missing)} (run ./run.sh, which installs them)";
    }

    public static async Task<IngressLabSession> StartAsync(string cni, CancellationToken cancellationToken)
    {
        var labOptions = new LabProviderOptions
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "cnibench-ingress-tests", Guid.NewGuid().ToString("N")),
        };
        var catalog = CniCatalog.Load(Path.Combine(IngressKindOptions.RepositoryRoot()!, "manifests", "cni"));
        var cluster = await new LabProvider(catalog, labOptions)
            .CreateAsync(new ClusterRequest(cni, ClusterShape.Default with { Nodes = 3, PodsPerNode = 2 }), null, cancellationToken);
        return new IngressLabSession(cni, cluster, IngressKindOptions.FromRepository());
    }

    /// <summary>raw/&lt;cni&gt;/ingress-&lt;variant&gt;-ingress-r1 plus <paramref name="suffix"/>.</summary>
    public string RawPath(string variant, string suffix) => $"raw/{Cni}/ingress-{variant}-ingress-r1{suffix}";

    /// <summary>One measurement of <paramref name="variant"/>, its outcome written to the test output.</summary>
    public async Task<TestOutcome> RunAsync(string variant, TimeSpan churn, bool tls, CancellationToken cancellationToken)
    {
        var spec = new TestSpec
        {
            Test = IngressKind.TestName,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromSeconds(1),
            Topologies = [Topologies.Ingress],
            Settings = new IngressTestSpec { Connections = 8, Threads = 1, Churn = churn, Tls = tls },
        };
        var key = new MeasurementKey(Cni, IngressKind.TestName, variant, Topologies.Ingress, 1);
        var outcome = await _test.RunAsync(
            new TestInvocation(new PlannedMeasurement(key, spec, new TestVariant(variant, 8)), _client, Server, Sink, RawPath(variant, ".json")) { Cluster = _cluster },
            cancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"{variant}: {outcome.Status} {outcome.Reason} "
            + string.Join(", ", outcome.Observations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Metric}={o.Value:G5}"))));
        return outcome;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
