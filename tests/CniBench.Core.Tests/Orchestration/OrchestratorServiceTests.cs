using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Tcp;

namespace CniBench.Core.Tests.Orchestration;

/// <summary>The pod-to-service topology: a Service in front of the server for the measurement, and only for it.</summary>
public sealed class OrchestratorServiceTests
{
    private static readonly IPAddress ClusterIp = IPAddress.Parse("198.18.96.1");

    private static RunPlan Plan(params string[] topologies) => RunPlanner.Create(new ScenarioSpec
    {
        Name = "t",
        Cnis = ["calico"],
        Repetitions = 1,
        Tests = [new TestSpec { Test = "tcp", Topologies = topologies, Settings = new TcpTestSpec() }],
    }, "run-1");

    private static Orchestrator Create(IClusterProvider provider, ITestKind test, MemorySink sink) =>
        new(provider, new Dictionary<string, ITestKind> { [test.Name] = test }, sink, null, TimeProvider.System, NullRunObserver.Instance);

    private static IEnumerable<Measurement> Calico(MemorySink sink) => sink.Writes.SelectMany(w => w).Where(r => r.Cni == "calico");

    [Fact]
    public async Task RunAsync_PodToService_TargetsTheClusterIpAndRemovesTheServiceAfterwards()
    {
        var provider = new ServiceProvider();
        var test = new ServiceTest([ServicePort.Tcp(5201), ServicePort.Udp(5201)]);
        var sink = new MemorySink();

        await Create(provider, test, sink).RunAsync(Plan(Topologies.PodToService), CancellationToken.None);

        var invocation = Assert.Single(test.Invocations);
        Assert.Equal(ClusterIp, invocation.Target);
        Assert.Equal(ClusterIp, test.TargetSeen);
        Assert.True(test.ServiceLiveDuringRun, "the Service was gone before the test ran");
        var cluster = Assert.Single(provider.Created);
        var exposure = Assert.Single(cluster.Exposures);
        Assert.Equal([invocation.Server.Name], exposure.Request.Backends.Select(b => b.Name));
        Assert.Equal([ServicePort.Tcp(5201), ServicePort.Udp(5201)], exposure.Request.Ports);
        Assert.NotEqual(invocation.Client.NodeName, invocation.Server.NodeName);
        Assert.True(exposure.Disposed);
        Assert.Contains(Calico(sink), r => r.Status == MeasurementStatus.Ok && r.Topology == Topologies.PodToService);
    }

    [Fact]
    public async Task RunAsync_PodToService_NamesTheClientAndRecordsServiceReadyMs()
    {
        var provider = new ServiceProvider();
        var test = new ServiceTest([ServicePort.Tcp(5201)]);
        var sink = new MemorySink();

        await Create(provider, test, sink).RunAsync(Plan(Topologies.PodToService), CancellationToken.None);

        var invocation = Assert.Single(test.Invocations);
        var exposure = Assert.Single(Assert.Single(provider.Created).Exposures);
        Assert.Equal(invocation.Client.Name, exposure.Request.Client?.Name);
        Assert.True(exposure.Request.UniqueName);
        var ready = Assert.Single(Calico(sink), r => r.Metric == Metrics.ServiceReadyMs);
        Assert.Equal((MeasurementStatus.Ok, 1234.0, Metrics.Milliseconds), (ready.Status, ready.Value, ready.Unit));
        Assert.Equal(MetricDirection.LowerIsBetter, TestKinds.Metrics.DirectionOf(Metrics.ServiceReadyMs));
    }

    [Fact]
    public async Task RunAsync_CrossNode_TargetsTheServerItselfAndCreatesNoService()
    {
        var provider = new ServiceProvider();
        var test = new ServiceTest([ServicePort.Tcp(5201)]);

        await Create(provider, test, new MemorySink()).RunAsync(Plan(Topologies.CrossNode), CancellationToken.None);

        Assert.All(test.Invocations, i => Assert.Equal(i.Server.Address, i.Target));
        Assert.All(provider.Created, c => Assert.Empty(c.Exposures));
    }

    [Fact]
    public async Task RunAsync_PodToServiceOnClusterWithoutServices_RecordsUnsupported()
    {
        var test = new ServiceTest([ServicePort.Tcp(5201)]);
        var sink = new MemorySink();

        var outcome = await Create(new FakeProvider(), test, sink).RunAsync(Plan(Topologies.PodToService), CancellationToken.None);

        Assert.Empty(test.Invocations);
        var row = Assert.Single(Calico(sink));
        Assert.Equal((MeasurementStatus.Unsupported, Metrics.ThroughputBps), (row.Status, row.Metric));
        Assert.Contains("no Service model", row.Reason, StringComparison.Ordinal);
        Assert.Equal(0, outcome.Failed);
    }

    [Fact]
    public async Task RunAsync_TestWithoutServicePorts_RecordsUnsupportedWithoutExposing()
    {
        var provider = new ServiceProvider();
        var sink = new MemorySink();

        await Create(provider, new ServiceTest([]), sink).RunAsync(Plan(Topologies.PodToService), CancellationToken.None);

        Assert.Equal(MeasurementStatus.Unsupported, Assert.Single(Calico(sink)).Status);
        Assert.Empty(Assert.Single(provider.Created).Exposures);
    }

    [Fact]
    public async Task RunAsync_ExposeFails_RecordsFailedWithTheReason()
    {
        var provider = new ServiceProvider { ExposeError = "nft refused" };
        var test = new ServiceTest([ServicePort.Tcp(5201)]);
        var sink = new MemorySink();

        await Create(provider, test, sink).RunAsync(Plan(Topologies.PodToService), CancellationToken.None);

        Assert.Empty(test.Invocations);
        var row = Assert.Single(Calico(sink));
        Assert.Equal(MeasurementStatus.Failed, row.Status);
        Assert.Equal("creating the Service failed: nft refused", row.Reason);
    }

    [Fact]
    public async Task RunAsync_TestThrowsThroughService_StillRemovesTheService()
    {
        var provider = new ServiceProvider();
        var test = new ServiceTest([ServicePort.Tcp(5201)]) { Throw = true };

        await Create(provider, test, new MemorySink()).RunAsync(Plan(Topologies.PodToService), CancellationToken.None);

        Assert.True(Assert.Single(Assert.Single(provider.Created).Exposures).Disposed);
    }

    private sealed class ServiceTest(IReadOnlyList<ServicePort> ports) : ITestKind
    {
        public string Name => "tcp";

        public IReadOnlyList<ServicePort> ServicePorts => ports;

        public bool Throw { get; init; }

        public List<TestInvocation> Invocations { get; } = [];

        public IPAddress? TargetSeen { get; private set; }

        public bool ServiceLiveDuringRun { get; private set; }

        public Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
        {
            Invocations.Add(invocation);
            TargetSeen = invocation.Target;
            ServiceLiveDuringRun = invocation.Cluster is ServiceCluster cluster && cluster.Exposures.Any(e => !e.Disposed);
            return Throw
                ? throw new InvalidOperationException("client crashed")
                : Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, 1e9, Metrics.BitsPerSecond)], "raw/x.json"));
        }
    }

    private sealed class ServiceProvider : IClusterProvider
    {
        public string? ExposeError { get; init; }

        public List<ServiceCluster> Created { get; } = [];

        public string Name => "fake";

        public Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            var cluster = new ServiceCluster(new FakeCluster(request.Cni), ExposeError);
            Created.Add(cluster);
            return Task.FromResult<ICluster>(cluster);
        }
    }

    private sealed class ServiceCluster(FakeCluster inner, string? exposeError) : ICluster, IServiceCluster
    {
        public List<Exposure> Exposures { get; } = [];

        public string Cni => inner.Cni;

        public string Description => inner.Description;

        public IReadOnlyList<ClusterNode> Nodes => inner.Nodes;

        public IReadOnlyDictionary<string, string> Facts => inner.Facts;

        public Task<IServiceExposure> ExposeAsync(ServiceRequest request, CancellationToken cancellationToken)
        {
            if (exposeError is not null)
            {
                throw new InvalidOperationException(exposeError);
            }

            var exposure = new Exposure(request);
            Exposures.Add(exposure);
            return Task.FromResult<IServiceExposure>(exposure);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class Exposure(ServiceRequest request) : IServiceExposure
    {
        public ServiceRequest Request { get; } = request;

        public bool Disposed { get; private set; }

        public IPAddress Address => ClusterIp;

        public IReadOnlyList<IWorkloadHost> Backends => Request.Backends;

        public TimeSpan? ReadyWait => TimeSpan.FromMilliseconds(1234);

        public Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
