using CniBench.Core.Measurements;

namespace CniBench.Results.Tests.Compare;

/// <summary>Run folders written with the real CSV sink and run.json store, for compare and history tests.</summary>
internal static class RunFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Repetition values around <paramref name="center"/> with a ±1 % spread, the same pattern each run.</summary>
    public static double[] Values(double center, int n) =>
        [.. Enumerable.Range(0, n).Select(i => center * (1 + (0.005 * ((i * 3 % 5) - 2))))];

    public static RunInfo Info(string runId, DateTimeOffset startedAt, string scenario = "nightly", string host = "lab-host") => new()
    {
        RunId = runId,
        ScenarioName = scenario,
        ScenarioSha256 = scenario == "nightly" ? "aa" : "bb",
        Provider = "lab",
        Host = new HostFacts { Hostname = host, CpuModel = "Test CPU", KernelRelease = "6.1.0", LogicalCores = 2 },
        StartedAt = startedAt,
        EndedAt = startedAt.AddMinutes(5),
    };

    public static IEnumerable<Measurement> Series(
        string runId, string cni, string metric, string unit, IEnumerable<double> values, string test = "tcp", string variant = "1-stream",
        string topology = Topologies.CrossNode) =>
        values.Select((v, i) => new Measurement
        {
            RunId = runId,
            Provider = "lab",
            Cni = cni,
            Test = test,
            Variant = variant,
            Topology = topology,
            Repetition = i + 1,
            Metric = metric,
            Value = v,
            Unit = unit,
            Timestamp = Start.AddSeconds(i),
        });

    public static async Task<string> WriteAsync(string directory, RunInfo? info, IEnumerable<Measurement> rows)
    {
        if (info is not null)
        {
            await RunInfoStore.WriteAsync(directory, info, CancellationToken.None);
        }

        await using var sink = CsvMeasurementSink.Open(directory);
        await sink.WriteAsync([.. rows], CancellationToken.None);
        return directory;
    }
}
