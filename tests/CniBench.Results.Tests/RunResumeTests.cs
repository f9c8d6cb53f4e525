using CniBench.Core.Measurements;
using CniBench.Runs;

namespace CniBench.Results.Tests;

public sealed class RunResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnb-resume-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Measurement Row(string cni, string test, string variant, int rep, string metric = Metrics.ThroughputBps, double value = 1e9) => new()
    {
        RunId = "r1",
        Provider = "lab",
        Cni = cni,
        Test = test,
        Variant = variant,
        Topology = Topologies.CrossNode,
        Repetition = rep,
        Metric = metric,
        Value = value,
        Unit = Metrics.BitsPerSecond,
        Timestamp = DateTimeOffset.UnixEpoch,
    };

    private async Task WriteAsync(params Measurement[][] batches)
    {
        await using var sink = CsvMeasurementSink.Open(_dir);
        foreach (var batch in batches)
        {
            await sink.WriteAsync(batch, Token);
        }
    }

    private string Csv => Path.Join(_dir, RunFolder.MeasurementsCsv);

    [Fact]
    public async Task PrepareAsync_NoMeasurementsYet_NothingDone()
    {
        var point = await RunResume.PrepareAsync(_dir, TestKinds.Metrics, Token);

        Assert.Empty(point.Done);
    }

    [Fact]
    public async Task PrepareAsync_CleanFile_KeepsAllButTheLastMeasurement()
    {
        await WriteAsync(
            [Row("flannel", "tcp", "1-stream", 1), Row("flannel", "tcp", "1-stream", 1, Metrics.HostCpuPercent, 40)],
            [Row("calico", "tcp", "1-stream", 1), Row("calico", "tcp", "1-stream", 1, Metrics.HostCpuPercent, 30)]);

        var point = await RunResume.PrepareAsync(_dir, TestKinds.Metrics, Token);

        Assert.Equal([new MeasurementKey("flannel", "tcp", "1-stream", Topologies.CrossNode, 1)], point.Done);
        Assert.Equal([new MeasurementKey("calico", "tcp", "1-stream", Topologies.CrossNode, 1)], point.Remeasured);
        Assert.False(point.DroppedTornLine);
        Assert.Equal(2, MeasurementCsvReader.Read(Csv).Count);
        Assert.False(File.Exists(Csv + ".before-resume"));
    }

    [Fact]
    public async Task PrepareAsync_TornLastLine_DropsItAndTheMeasurementItBelongedTo()
    {
        await WriteAsync([Row("flannel", "tcp", "1-stream", 1)], [Row("calico", "tcp", "1-stream", 1)]);
        await File.AppendAllTextAsync(Csv, "r1,lab,calico,tcp,1-str", Token);

        var point = await RunResume.PrepareAsync(_dir, TestKinds.Metrics, Token);

        Assert.True(point.DroppedTornLine);
        Assert.Single(point.Done);
        var rows = MeasurementCsvReader.Read(Csv);
        Assert.Equal("flannel", Assert.Single(rows).Cni);
        Assert.EndsWith("\n", await File.ReadAllTextAsync(Csv, Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareAsync_NetpolCasesWithoutTheirScore_AreMeasuredAgain()
    {
        await WriteAsync(
            [Row("calico", "netpol", "deny-all", 1, "case_pass", 1)],
            [Row("calico", "netpol", "score", 1, "conformance_score_percent", 100)],
            [Row("calico", "netpol", "deny-all", 2, "case_pass", 1)],
            [Row("calico", "netpol", "allow-all", 2, "case_pass", 1)],
            [Row("flannel", "tcp", "1-stream", 1)]);

        var point = await RunResume.PrepareAsync(_dir, TestKinds.Metrics, Token);

        Assert.Equal(2, point.Done.Count);
        Assert.All(point.Done, k => Assert.Equal(1, k.Repetition));
        Assert.Contains(new MeasurementKey("calico", "netpol", "deny-all", Topologies.CrossNode, 2), point.Remeasured);
    }

    [Fact]
    public async Task PrepareAsync_CasesOfAnyKindThatDeclaresThem_AreKeptOnlyWithTheirScoreVariant()
    {
        // Which test has cases is the kind's declaration, not its name: a kind called "probes" scored by "total".
        var probes = new MetricDeclarations([new("probe_ok", Metrics.Bool, MetricDirection.None, "Probe passed")])
        {
            Cases = new CaseGrading("probe_ok", "total"),
        };
        var metrics = new MetricRegistry(MetricDeclarations.None, [KeyValuePair.Create("probes", probes)]);
        await WriteAsync(
            [Row("calico", "probes", "a", 1, "probe_ok", 1)],
            [Row("calico", "probes", "total", 1, "probe_ok", 1)],
            [Row("calico", "probes", "a", 2, "probe_ok", 1)],
            [Row("calico", "netpol", "deny-all", 2, "case_pass", 1)],
            [Row("flannel", "tcp", "1-stream", 1)]);

        var point = await RunResume.PrepareAsync(_dir, metrics, Token);

        Assert.Equal(
            [new MeasurementKey("calico", "probes", "a", Topologies.CrossNode, 2), new MeasurementKey("flannel", "tcp", "1-stream", Topologies.CrossNode, 1)],
            point.Remeasured);
        Assert.Contains(new MeasurementKey("calico", "netpol", "deny-all", Topologies.CrossNode, 2), point.Done);
    }

    [Fact]
    public async Task PrepareAsync_CorruptRowInTheMiddle_FailsNamingTheLineAndChangesNothing()
    {
        await WriteAsync([Row("flannel", "tcp", "1-stream", 1)]);
        var lines = File.ReadAllLines(Csv).ToList();
        lines.Insert(1, "r1,lab,\"broken");
        await File.WriteAllTextAsync(Csv, string.Join('\n', lines) + "\n", Token);
        var before = await File.ReadAllTextAsync(Csv, Token);

        var ex = await Assert.ThrowsAsync<MeasurementCsvException>(() => RunResume.PrepareAsync(_dir, TestKinds.Metrics, Token));

        Assert.Contains("line", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Csv, Token));
    }
}
