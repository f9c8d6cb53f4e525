using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Rr;

/// <summary>The <c>rr</c> test: sockperf ping-pong over TCP and UDP, per message size and number of concurrent flows.</summary>
public sealed class RrDefinition : ITestKindDefinition
{
    public string Name => LatencyTestSpec.Rr;

    public TestSpec Read(TestReader reader) => LatencySpecReader.Read(reader, Name);

    public ITestKind CreateRunner(TimeProvider time) => new RrKind(new SockperfDriver(SockperfDriverOptions.Default));
}
