using CniBench.Core.Measurements;
using CniBench.Results;

namespace CniBench.Cli.Tests;

/// <summary>Run folders for compare and history, written with the real sink, and copies of them with edited rows.</summary>
internal static class CompareFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 2, 0, 0, TimeSpan.Zero);

    private static readonly string[] Cnis = ["underlay", "flannel", "calico"];

    /// <summary>Five repetitions per CNI of throughput and CPU, with a ±1 % spread, scaled by <paramref name="throughputFactor"/>.</summary>
    public static async Task<string> WriteRunAsync(string directory, string runId, DateTimeOffset startedAt, double throughputFactor = 1)
    {
        await RunInfoStore.WriteAsync(directory, new RunInfo
        {
            RunId = runId,
            ScenarioName = "nightly",
            Provider = "lab",
            Host = new HostFacts { Hostname = "ci", CpuModel = "cpu", KernelRelease = "6.1", LogicalCores = 2 },
            StartedAt = startedAt,
            EndedAt = startedAt.AddMinutes(3),
        }, CancellationToken.None);
        var rows = new List<Measurement>();
        for (var c = 0; c < Cnis.Length; c++)
        {
            for (var rep = 1; rep <= 5; rep++)
            {
                var spread = 1 + (0.005 * ((rep * 3 % 5) - 2));
                rows.Add(Row(runId, Cnis[c], rep, Metrics.ThroughputBps, (9e9 - (c * 1e9)) * spread * throughputFactor, Metrics.BitsPerSecond, startedAt));
                rows.Add(Row(runId, Cnis[c], rep, Metrics.HostCpuPercent, 50 * spread, Metrics.Percent, startedAt));
            }
        }

        await using var sink = CsvMeasurementSink.Open(directory);
        await sink.WriteAsync(rows, CancellationToken.None);
        return directory;
    }

    /// <summary>Copies run.json as is and rewrites measurements.csv through the sink with every row passed through <paramref name="edit"/>.</summary>
    public static string CopyRun(string source, string destination, Func<Measurement, Measurement> edit)
    {
        File.Copy(Path.Join(source, RunFolder.RunJson), Path.Join(destination, RunFolder.RunJson), overwrite: true);
        var rows = MeasurementCsvReader.Read(Path.Join(source, RunFolder.MeasurementsCsv)).Select(edit).ToList();
        using var sink = CsvMeasurementSink.Open(destination);
        sink.WriteAsync(rows, CancellationToken.None).GetAwaiter().GetResult();
        return destination;
    }

    private static Measurement Row(string runId, string cni, int repetition, string metric, double value, string unit, DateTimeOffset at) => new()
    {
        RunId = runId,
        Provider = "lab",
        Cni = cni,
        Test = "tcp",
        Variant = "1-stream",
        Topology = Topologies.CrossNode,
        Repetition = repetition,
        Metric = metric,
        Value = value,
        Unit = unit,
        Timestamp = at.AddSeconds(repetition),
    };
}
