using CniBench.Core.Measurements;
using CniBench.Results.Report;

namespace CniBench.Results.Tests.Report;

public sealed class MeasurementWindowsTests
{
    private const string WrkTranscript = """
        # warm-up (discarded): time -f CNIBENCH_TIME %U %S %e wrk -t 2 -c 32 -d 1s --timeout 2s --latency -s /tmp/x/saturation.lua http://198.19.2.2:8080/1KiB
        Running 1s test @ http://198.19.2.2:8080/1KiB
        # stderr
        CNIBENCH_TIME 0.00 0.38 1.01
        # measured: time -f CNIBENCH_TIME %U %S %e wrk -t 2 -c 32 -d 2s --timeout 2s --latency -s /tmp/x/saturation.lua http://198.19.2.2:8080/1KiB
        Running 2s test @ http://198.19.2.2:8080/1KiB
        """;

    private static string Iperf3Fixture => File.ReadAllText(Path.Join(AppContext.BaseDirectory, "testassets", "iperf3", "tcp-1-stream.json"));

    [Fact]
    public void FromIperf3_RecordedJson_ReadsDurationAndOmit() =>
        Assert.Equal("2 s measured after a 1 s warm-up (iperf3 -O: measured, then left out of the totals)", MeasurementWindows.FromIperf3(Iperf3Fixture));

    [Fact]
    public void FromWrk_HttpTestTranscript_ReadsMeasuredAndWarmupDurations() =>
        Assert.Equal("2s measured after a discarded 1s warm-up run", MeasurementWindows.FromWrk(WrkTranscript));

    [Fact]
    public void FromWrk_NoMeasuredRun_IsNull() =>
        Assert.Null(MeasurementWindows.FromWrk("# ingress churn\n"));

    [Fact]
    public void Read_RunFolder_TakesEachTestsFirstReadableRawFile()
    {
        using var dir = new TempRunDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "raw", "canal"));
        File.WriteAllText(Path.Join(dir.Path, "raw", "canal", "tcp.json"), Iperf3Fixture);
        File.WriteAllText(Path.Join(dir.Path, "raw", "canal", "http.txt"), WrkTranscript);
        List<Measurement> rows =
        [
            Samples.Row("canal", 9e9) with { RawFile = "raw/canal/tcp.json" },
            Samples.Row("canal", 9e3, test: "http", metric: Metrics.RequestsPerSecond) with { RawFile = "raw/canal/http.txt" },
            Samples.Row("canal", 1e9, test: "udp") with { RawFile = "raw/canal/missing.json" },
        ];

        var windows = MeasurementWindows.Read(dir.Path, rows);

        Assert.Equal(["http", "tcp"], windows.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("2 s measured after a 1 s warm-up", windows["tcp"], StringComparison.Ordinal);
        Assert.Equal("2s measured after a discarded 1s warm-up run", windows["http"]);
    }
}
