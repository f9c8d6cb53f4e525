using BenchmarkDotNet.Attributes;
using CniBench.Core.Measurements;
using CniBench.Results;
using CniBench.Results.Compare;
using CniBench.Runs;

namespace CniBench.Benchmarks;

/// <summary>
/// Issue 7 target: <c>compare</c> on run folders of 10,000 measurements each under 5 s, counting what the command
/// does: read both CSVs and run.json, a verdict per series, write compare.md and junit.xml.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CompareBenchmarks
{
    public const int Series = 1000;
    public const int Repetitions = 10;

    private string _root = null!;
    private string _baseline = null!;
    private string _candidate = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("cnb-compare-bench-").FullName;
        _baseline = Write("baseline", 1.0);
        _candidate = Write("candidate", 0.97);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark]
    public async Task<int> CompareAndWrite()
    {
        var report = await RunComparer.CompareAsync(_baseline, _candidate, ComparisonOptions.Default, TestKinds.Metrics, CancellationToken.None);
        var output = Path.Join(_root, "out");
        await CompareMarkdown.WriteAsync(output, report, CancellationToken.None);
        await CompareJunit.WriteAsync(output, report, CancellationToken.None);
        return report.Regressions;
    }

    /// <summary>10,000 rows: 1,000 series (cni × test × variant × topology × metric) × 10 repetitions, every 10th series 10 % slower.</summary>
    private string Write(string name, double factor)
    {
        var directory = Path.Join(_root, name);
        var start = new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero);
        RunInfoStore.WriteAsync(directory, new RunInfo { RunId = name, ScenarioName = "bench", Provider = "lab", StartedAt = start }, CancellationToken.None)
            .GetAwaiter().GetResult();
        var random = new Random(7);
        var rows = new List<Measurement>(Series * Repetitions);
        for (var s = 0; s < Series; s++)
        {
            var slowdown = s % 10 == 0 ? factor * 0.93 : factor;
            for (var rep = 1; rep <= Repetitions; rep++)
            {
                rows.Add(new Measurement
                {
                    RunId = name,
                    Provider = "lab",
                    Cni = $"cni{s % 7}",
                    Test = (s / 7 % 2) == 0 ? "tcp" : "udp",
                    Variant = $"v{s / 14}",
                    Topology = (s / 56 % 2) == 0 ? Topologies.CrossNode : Topologies.SameNode,
                    Repetition = rep,
                    Metric = s % 3 == 0 ? Metrics.ThroughputBps : Metrics.LatencyP99Ms,
                    Value = 1e9 * (1 + (s % 17)) * slowdown * (1 + (0.02 * random.NextDouble())),
                    Unit = Metrics.BitsPerSecond,
                    Timestamp = start.AddSeconds(rep),
                });
            }
        }

        using var sink = CsvMeasurementSink.Open(directory);
        sink.WriteAsync(rows, CancellationToken.None).GetAwaiter().GetResult();
        return directory;
    }
}
