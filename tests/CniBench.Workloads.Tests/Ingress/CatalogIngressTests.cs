using System.Net;
using System.Security.Cryptography.X509Certificates;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Http;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>
/// The ingress test on a cluster that runs catalog controllers (<see cref="IIngressCluster"/>): what it asks the
/// cluster for, how it waits for the route, and how churn maps to Service and Ingress changes. wrk answers from
/// recorded output; each churn slice moves a fake clock by one second so the scheduled changes fall between slices.
/// </summary>
public sealed class CatalogIngressTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeProcessRunner _runner = new();
    private readonly Queue<string> _probeFixtures = new();
    private readonly RecordingSink _sink = new();

    public CatalogIngressTests()
    {
        _runner.OnRun = async (spec, ct) =>
        {
            if (spec.Program == "nginx" && spec.Arguments[^1] == "stop")
            {
                // nginx -s stop ends the master the site's prefix names, as the real one would.
                foreach (var started in _runner.Started.Where(p => p.Spec.Arguments.SequenceEqual(spec.Arguments.SkipLast(2))))
                {
                    started.Exit(0);
                }
            }

            if (spec.Program != WrkTool.TimeProgram)
            {
                return new ProcessResult(0, "", "", TimeSpan.Zero);
            }

            var fixture = _probeFixtures.Count > 0 ? _probeFixtures.Dequeue() : "keepalive-1KiB";
            _time.Advance(TimeSpan.FromSeconds(1));

            // Lets a change that came due run before the next slice starts.
            await Task.Delay(30, ct);

            var (stdout, stderr) = TestAssets.Wrk(fixture);
            return new ProcessResult(0, stdout, stderr, TimeSpan.FromSeconds(1));
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IngressKind Test => new(new IngressKindOptions
    {
        IngressTemplate = IngressTemplates.Repository(),
        RouteProbeInterval = TimeSpan.Zero,
        Controllers = new IngressControllerOptions { Time = _time },
    });

    private TestInvocation Invocation(FakeIngressCluster cluster, string variant, TimeSpan churn)
    {
        var spec = new TestSpec
        {
            Test = IngressKind.TestName, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero,
            Settings = new IngressTestSpec { Churn = churn, Tls = variant.EndsWith(IngressTestSpec.TlsSuffix, StringComparison.Ordinal) },
        };
        var key = new MeasurementKey("calico", IngressKind.TestName, variant, Topologies.Ingress, 1);
        return new TestInvocation(new PlannedMeasurement(key, spec, new TestVariant(variant, 32)), cluster.Nodes[0].Pods[1], cluster.Nodes[0].Pods[0], _sink, "raw/calico/ingress-x.json")
        {
            Cluster = cluster,
        };
    }

    [Fact]
    public async Task RunAsync_CatalogController_DeploysIngressOverTwoBackendsAndLoadsTheControllerService()
    {
        var cluster = new FakeIngressCluster(_runner);

        var outcome = await Test.RunAsync(Invocation(cluster, "contour", TimeSpan.Zero), Ct);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var request = Assert.Single(cluster.Requests);
        Assert.Equal("contour", request.Controller);
        Assert.Equal(["n2-p1", "n3-p1"], request.Backends.Select(b => b.Name));
        Assert.Equal(("web", "web-v2", "http", 8080), (request.ServiceName, request.OtherServiceName, request.PortName, request.BackendPort));
        Assert.Contains("name: web-v2", request.RouteChangedYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("name: web-v2", request.IngressYaml, StringComparison.Ordinal);
        // One route probe, then the measured run, both at the controller's Service.
        var wrk = _runner.Runs.Where(r => r.Program == WrkTool.TimeProgram).ToList();
        Assert.Equal(2, wrk.Count);
        Assert.All(wrk, r => Assert.Equal("http://198.18.96.44/1KiB", r.Arguments[^1]));
        Assert.Contains(outcome.Observations, o => o.Metric == Metrics.RequestsPerSecond);
        Assert.True(cluster.Deployment!.Disposed);
        Assert.Equal(2, _runner.Started.Count(p => p.Spec.Program == "nginx"));
        Assert.All(_runner.Started, p => Assert.True(p.WasStopped));
    }

    [Fact]
    public async Task RunAsync_TlsVariant_HandsOverACertificateForTheHostAndLoadsHttpsOnTheTlsPort()
    {
        var cluster = new FakeIngressCluster(_runner);

        var outcome = await Test.RunAsync(Invocation(cluster, "contour-tls", TimeSpan.Zero), Ct);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var request = Assert.Single(cluster.Requests);
        Assert.Equal("contour", request.Controller);
        Assert.Contains("secretName: cnb-ingress-tls", request.IngressYaml, StringComparison.Ordinal);
        Assert.Contains("secretName: cnb-ingress-tls", request.RouteChangedYaml, StringComparison.Ordinal);
        var tls = request.Tls!;
        using var certificate = X509Certificate2.CreateFromPem(tls.CertificatePem, tls.PrivateKeyPem);
        Assert.True(certificate.HasPrivateKey);
        var names = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal([IngressModel.Host], names.EnumerateDnsNames());
        Assert.Empty(names.EnumerateIPAddresses());
        var wrk = _runner.Runs.Where(r => r.Program == WrkTool.TimeProgram).ToList();
        Assert.Equal(2, wrk.Count);
        // SNI and Host carry the Ingress host; the script sends the connections to the controller's Service.
        Assert.All(wrk, r => Assert.Equal("https://bench.cnibench.test:8443/1KiB", r.Arguments[^1]));
        var script = Assert.Single(_runner.Runs, r => r.Program == "tee" && r.Arguments[0].EndsWith("/summary.lua", StringComparison.Ordinal)).StandardInput;
        Assert.Contains("wrk.addrs = wrk.lookup(\"198.18.96.44\", \"8443\")", script, StringComparison.Ordinal);
        var raw = Assert.Single(_sink.RawFiles, r => r.Key.EndsWith(".txt", StringComparison.Ordinal)).Value;
        Assert.Contains("# contour-tls at 198.18.96.44:8443 (TLS, self-signed ECDSA P-256 certificate", raw, StringComparison.Ordinal);
        Assert.True(cluster.Deployment!.Disposed);
    }

    [Fact]
    public async Task RunAsync_TlsVariantWithChurnOrRefused_KeyIsNeverInRawOutputOrReason()
    {
        var churned = new FakeIngressCluster(_runner);
        var refused = new FakeIngressCluster(_runner) { Refusal = new ClusterUnsupportedException("ingress controller yarp has no TLS port in its catalog entry (service.tlsPort)") };

        var ok = await Test.RunAsync(Invocation(churned, "kong-tls", TimeSpan.FromSeconds(8)), Ct);
        var unsupported = await Test.RunAsync(Invocation(refused, "yarp-tls", TimeSpan.Zero), Ct);

        Assert.True(ok.Status == MeasurementStatus.Ok, ok.Reason);
        Assert.Equal(MeasurementStatus.Unsupported, unsupported.Status);
        Assert.Equal("ingress controller yarp has no TLS port in its catalog entry (service.tlsPort)", unsupported.Reason);
        var keys = churned.Requests.Concat(refused.Requests).Select(r => r.Tls!.PrivateKeyPem).ToList();
        Assert.Equal(2, keys.Count);
        var keyLines = keys.SelectMany(k => k.Split('\n')).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keyLines);
        Assert.Contains(_sink.RawFiles.Keys, k => k.EndsWith("-timeline.json", StringComparison.Ordinal));
        var everything = string.Join("\n", _sink.RawFiles.Values.Append(ok.Reason ?? "").Append(unsupported.Reason!).Concat(_runner.Runs.Select(r => r.ToString())));
        Assert.DoesNotContain(keyLines, everything.Contains);
        Assert.DoesNotContain("PRIVATE KEY", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(keyLines, l => churned.Requests[0].ToString().Contains(l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RouteNotYetServed_ProbesUntilOnly2xxThenMeasures()
    {
        _probeFixtures.Enqueue("not-found");
        _probeFixtures.Enqueue("refused");
        var cluster = new FakeIngressCluster(_runner);

        var outcome = await Test.RunAsync(Invocation(cluster, "traefik", TimeSpan.Zero), Ct);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        Assert.Equal(4, _runner.Runs.Count(r => r.Program == WrkTool.TimeProgram));
        var raw = Assert.Single(_sink.RawFiles, r => r.Key.EndsWith(".txt", StringComparison.Ordinal)).Value;
        Assert.Contains("# route probe 1:", raw, StringComparison.Ordinal);
        Assert.Contains("# route probe 3:", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RouteNeverServed_FailsNamingTheLastProbeWithoutMeasuring()
    {
        for (var i = 0; i < 100; i++)
        {
            _probeFixtures.Enqueue("not-found");
        }

        var cluster = new FakeIngressCluster(_runner);
        var test = new IngressKind(Test.Options with { RouteReadyTimeout = TimeSpan.FromMilliseconds(1) });

        var outcome = await test.RunAsync(Invocation(cluster, "kong", TimeSpan.Zero), Ct);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("kong did not route the Ingress within", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("1782 non-2xx", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_runner.Runs, r => r.Arguments.Contains("measured"));
        Assert.True(cluster.Deployment!.Disposed);
    }

    [Fact]
    public async Task RunAsync_Churn_ScalesTheServiceRemovesOneStopsItAndMovesTheRoute()
    {
        var cluster = new FakeIngressCluster(_runner);

        var outcome = await Test.RunAsync(Invocation(cluster, "ingress-nginx", TimeSpan.FromSeconds(8)), Ct);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var deployment = cluster.Deployment!;
        Assert.Equal(
            ["backends n2-p1,n3-p1,n2-p2,n3-p2", "backends n2-p1,n3-p1,n2-p2", "route"],
            deployment.Calls);
        var raw = Assert.Single(_sink.RawFiles, r => r.Key.EndsWith(".txt", StringComparison.Ordinal)).Value;
        Assert.Contains("# change 'stop n3-p2' at", raw, StringComparison.Ordinal);
        Assert.Contains("# change 'remove n3-p2' at", raw, StringComparison.Ordinal);
        Assert.Contains(_sink.RawFiles.Keys, k => k.EndsWith("-timeline.json", StringComparison.Ordinal));
        Assert.Contains(outcome.Observations, o => o.Metric == IngressMetrics.ChurnFailedRequests);
    }

    [Fact]
    public async Task RunAsync_ControllerRestartsDuringChurn_FailsWithItsProblem()
    {
        var cluster = new FakeIngressCluster(_runner);
        cluster.OnDeployed = d => d.ProblemAfterChurnStarts = "ingress controller ingress-nginx: pod x restarted (0 → 1 restarts): oom";

        var outcome = await Test.RunAsync(Invocation(cluster, "ingress-nginx", TimeSpan.FromSeconds(8)), Ct);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("the controller died during churn: ingress controller ingress-nginx: pod x restarted (0 → 1 restarts): oom", outcome.Reason);
    }

    [Fact]
    public async Task RunAsync_ControllerUnsupportedOnTheCluster_IsUnsupportedBeforeAnyLoad()
    {
        var cluster = new FakeIngressCluster(_runner) { Refusal = new ClusterUnsupportedException("IngressClass 'nginx' belongs to another controller") };

        var outcome = await Test.RunAsync(Invocation(cluster, "ingress-nginx", TimeSpan.Zero), Ct);

        Assert.Equal(MeasurementStatus.Unsupported, outcome.Status);
        Assert.Equal("IngressClass 'nginx' belongs to another controller", outcome.Reason);
        Assert.DoesNotContain(_runner.Runs, r => r.Program == WrkTool.TimeProgram);
        Assert.All(_runner.Started, p => Assert.True(p.WasStopped));
    }

    [Fact]
    public async Task RunAsync_InstallFails_IsFailedWithTheCause()
    {
        var cluster = new FakeIngressCluster(_runner) { Refusal = new InvalidOperationException("cluster 'kind-x' does not run ingress controller kong and is not marked disposable") };

        var outcome = await Test.RunAsync(Invocation(cluster, "kong", TimeSpan.Zero), Ct);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("ingress controller kong could not be set up: cluster 'kind-x' does not run ingress controller kong and is not marked disposable", outcome.Reason);
    }

    /// <summary>Three nodes of two fake pods that hands out <see cref="FakeIngressDeployment"/>s.</summary>
    private sealed class FakeIngressCluster(FakeProcessRunner runner) : ICluster, IIngressCluster
    {
        private readonly FakeCluster _inner = new(3, 2, runner);

        public List<IngressDeploymentRequest> Requests { get; } = [];

        public FakeIngressDeployment? Deployment { get; private set; }

        public Exception? Refusal { get; init; }

        public Action<FakeIngressDeployment>? OnDeployed { get; set; }

        public string Cni => _inner.Cni;

        public string Description => "fake cluster with catalog controllers";

        public IReadOnlyList<ClusterNode> Nodes => _inner.Nodes;

        public IReadOnlyDictionary<string, string> Facts => _inner.Facts;

        public Task<IIngressDeployment> DeployIngressAsync(IngressDeploymentRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (Refusal is not null)
            {
                return Task.FromException<IIngressDeployment>(Refusal);
            }

            Deployment = new FakeIngressDeployment(request.Tls is null ? 80 : 8443);
            OnDeployed?.Invoke(Deployment);
            return Task.FromResult<IIngressDeployment>(Deployment);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FakeIngressDeployment(int port) : IIngressDeployment
    {
        public List<string> Calls { get; } = [];

        public bool Disposed { get; private set; }

        public string? ProblemAfterChurnStarts { get; set; }

        public IPAddress Address => IPAddress.Parse("198.18.96.44");

        public int Port => port;

        public IReadOnlyDictionary<string, string> Facts { get; } = new Dictionary<string, string> { ["ingress.controller"] = "fake" };

        public Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken)
        {
            Calls.Add("backends " + string.Join(",", backends.Select(b => b.Name)));
            return Task.CompletedTask;
        }

        public Task ChangeRouteAsync(CancellationToken cancellationToken)
        {
            Calls.Add("route");
            return Task.CompletedTask;
        }

        public Task<string?> ControllerProblemAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Calls.Count > 0 ? ProblemAfterChurnStarts : null);

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
