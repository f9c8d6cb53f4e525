using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Tcp;

/// <summary>The <c>tcp</c> test: iperf3 throughput, one variant per stream count.</summary>
public sealed class TcpDefinition : ITestKindDefinition
{
    public string Name => TcpKind.TestName;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var (duration, warmup, streams) = Iperf3Entry.Read(reader);
        var defaults = new TcpTestSpec();
        return new TestSpec
        {
            Test = Name,
            Duration = duration,
            Warmup = warmup,
            Topologies = reader.Topologies(reader.NodeTopologies),
            Repetitions = reader.Repetitions(),
            Settings = defaults with { Streams = streams.Count > 0 ? streams : defaults.Streams },
        };
    }

    public ITestKind CreateRunner(TimeProvider time) => new TcpKind(new Iperf3Driver());
}
