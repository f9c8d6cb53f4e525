using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Rr;

namespace CniBench.Workloads.Crr;

/// <summary>The <c>crr</c> test: a new TCP connection per transaction (iperf2 connect-only), per number of concurrent flows.</summary>
public sealed class CrrDefinition : ITestKindDefinition
{
    public string Name => LatencyTestSpec.Crr;

    /// <summary>Read with rr's reader: the two share flows and percentiles; crr adds connections and the conntrack flush.</summary>
    public TestSpec Read(TestReader reader) => LatencySpecReader.Read(reader, Name);

    public ITestKind CreateRunner(TimeProvider time) => new CrrKind(new CrrDriver(CrrDriverOptions.Default));
}
