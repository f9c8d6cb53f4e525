using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;

namespace CniBench.TestSupport.Orchestration;

public sealed class FakeHost(string name, string node) : IWorkloadHost
{
    public string Name { get; } = name;

    public string NodeName { get; } = node;

    public IPAddress Address { get; } = IPAddress.Parse("198.19.1.2");

    public int Mtu => 1500;

    public IProcessRunner Runner => throw new NotSupportedException("fakes run nothing");
}

public sealed class FakeCluster(string cni) : ICluster
{
    public string Cni { get; } = cni;

    public string Description => "fake";

    public bool Disposed { get; private set; }

    public IReadOnlyList<ClusterNode> Nodes { get; } =
    [
        new("n1", new FakeHost("n1", "n1"), [new FakeHost("n1-p1", "n1"), new FakeHost("n1-p2", "n1")]),
        new("n2", new FakeHost("n2", "n2"), [new FakeHost("n2-p1", "n2"), new FakeHost("n2-p2", "n2")]),
    ];

    public IReadOnlyDictionary<string, string> Facts { get; } = new Dictionary<string, string>();

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

public sealed class FakeProvider(params string[] failing) : IClusterProvider
{
    public List<FakeCluster> Created { get; } = [];

    public string Name => "fake";

    public Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (failing.Contains(request.Cni))
        {
            throw new InvalidOperationException($"{request.Cni} exploded");
        }

        var cluster = new FakeCluster(request.Cni);
        Created.Add(cluster);
        return Task.FromResult<ICluster>(cluster);
    }
}

/// <summary>A test whose behaviour per call is scripted: a value, a failure, an exception or a cancellation.</summary>
public sealed class ScriptedTest(string name, Func<TestInvocation, int, CancellationToken, Task<TestOutcome>> behaviour) : ITestKind
{
    private int _calls;

    public string Name { get; } = name;

    public List<TestInvocation> Invocations { get; } = [];

    public Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        Invocations.Add(invocation);
        return behaviour(invocation, ++_calls, cancellationToken);
    }
}

public sealed class MemorySink : IMeasurementSink
{
    public List<IReadOnlyList<Measurement>> Writes { get; } = [];

    public Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken)
    {
        Writes.Add(rows);
        return Task.CompletedTask;
    }

    public Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken) => Task.FromResult(relativePath);
}

public sealed class FixedCpu : ICpuSampler
{
    private int _reads;

    public CpuSnapshot Read()
    {
        _reads++;
        var s = TimeSpan.FromSeconds(_reads);
        return new CpuSnapshot(s, s, TimeSpan.Zero, s * 4, TimeSpan.Zero, DateTimeOffset.UnixEpoch + s);
    }
}
