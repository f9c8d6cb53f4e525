using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Http;

/// <summary>HTTP load: nginx serves fixed payloads, wrk loads them; every list is one axis of the variant matrix.</summary>
public sealed class HttpDefinition : ITestKindDefinition
{
    /// <summary>wrk's -d in whole seconds; shorter than iperf3's default because every variant also pays for a server start.</summary>
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);

    public string Name => HttpKind.TestName;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var http = new HttpTestSpec();
        var duration = reader.MeasuredDuration(WrkEntry.DurationOption, DefaultDuration);
        var warmup = reader.Warmup(WrkEntry.DurationOption, TimeSpan.FromSeconds(1));

        var payloads = new List<long>();
        foreach (var item in map.Value("payloads")?.Items() ?? [])
        {
            if (item.Text is { } text && Quantities.TryParseSize(text, out var bytes) && bytes <= 1L << 30)
            {
                payloads.Add(bytes);
            }
            else
            {
                item.Error("http.payloads must be response sizes such as 1KiB, 100KiB or 1MiB (binary units, at most 1GiB)");
            }
        }

        var (connections, threads) = WrkEntry.ReadLoad(reader, http.Connections, http.Threads);
        var connectionModes = reader.Choices("connectionModes", HttpTestSpec.ConnectionModeNames);
        var loadModes = reader.Choices("modes", HttpTestSpec.LoadModeNames);
        return reader.NodeSpec(duration, warmup, http with
        {
            PayloadsBytes = payloads.Count > 0 ? payloads.Distinct().ToList() : http.PayloadsBytes,
            Connections = connections,
            Threads = threads,
            ConnectionModes = connectionModes.Count > 0 ? connectionModes : http.ConnectionModes,
            LoadModes = loadModes.Count > 0 ? loadModes : http.LoadModes,
        });
    }

    public ITestKind CreateRunner(TimeProvider time) => new HttpKind();

    public MetricDeclarations Metrics => HttpMetrics.Declarations;
}
