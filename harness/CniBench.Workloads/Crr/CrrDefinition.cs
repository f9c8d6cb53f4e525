using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Crr;

/// <summary>
/// The <c>crr</c> test: a new TCP connection per transaction (iperf2 connect-only), per number of concurrent flows.
/// Flows and percentiles are read by the rules rr uses (<see cref="LatencySettings"/>); a key only rr knows, such as a
/// message size, is an unknown key here, since crr sends no message.
/// </summary>
public sealed class CrrDefinition : ITestKindDefinition
{
    public string Name => CrrTestSpec.Name;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var defaults = new CrrTestSpec();
        var spec = new CrrTestSpec
        {
            Flows = LatencySettings.ReadFlows(map, Name) ?? defaults.Flows,
            Percentiles = LatencySettings.ReadPercentiles(map, Name) ?? defaults.Percentiles,
            Connections = map.Int("connections", required: false, min: 100, max: 1_000_000) ?? defaults.Connections,
            FlushConntrack = map.Bool("flushConntrack", required: false) ?? defaults.FlushConntrack,
            ClearTimeWait = map.Bool("clearTimeWait", required: false) ?? defaults.ClearTimeWait,
        };
        return LatencySettings.Spec(reader, Name, LatencySettings.DefaultDuration, spec);
    }

    public ITestKind CreateRunner(TimeProvider time) => new CrrKind(new CrrDriver(CrrDriverOptions.Default));

    public Core.Measurements.MetricDeclarations Metrics => CrrMetrics.Declarations;
}
