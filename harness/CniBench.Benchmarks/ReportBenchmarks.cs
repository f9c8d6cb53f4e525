using BenchmarkDotNet.Attributes;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Benchmarks;

/// <summary>
/// Issue 7 target: report.html and report.md of a results folder with 10,000 measurements in under 5 s: reading the
/// CSV and run.json, statistics, the matrix, both writers and the files, as <c>cnibench report --no-browser</c> does.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ReportBenchmarks
{
    /// <summary>7 CNIs + underlay, tcp and udp × 4 variants × 2 topologies × 5 metrics, HTTP rows, 17 repetitions: 10,489 rows.</summary>
    public static readonly SyntheticRunSpec TenThousand = new()
    {
        Cnis = ["flannel", "calico", "canal", "cilium", "kube-router", "weavenet", "calico+wireguard"],
        Variants = 4,
        Repetitions = 17,
        Http = true,
    };

    private string _runDirectory = "";

    public int Measurements { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _runDirectory = Directory.CreateTempSubdirectory("cnb-report-bench-").FullName;
        Measurements = SyntheticRunFolder.WriteAsync(_runDirectory, TenThousand, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_runDirectory, recursive: true);

    [Benchmark]
    public Task<ReportFiles> WriteReport() => ReportGenerator.WriteAsync(_runDirectory, null, TestKinds.Metrics, CancellationToken.None);
}
