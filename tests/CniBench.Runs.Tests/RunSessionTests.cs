using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.TestSupport.Orchestration;
using CniBench.Results;
using CniBench.Results.Export;

namespace CniBench.Runs.Tests;

public sealed class RunSessionTests : IDisposable
{
    private readonly SessionFolder _folder = new();
    private readonly RecordingObserver _observer = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RunAsync_NewRun_WritesRunJsonBeforeMeasuringAndAgainAtTheEnd()
    {
        RunInfo? during = null;
        var test = new ScriptedTest("tcp", async (_, _, _) =>
        {
            during ??= await RunInfoStore.ReadAsync(_folder.Path, Token);
            return await Tcp.Value(1e9);
        });

        var result = await Tcp.Session(test).RunAsync(_folder.Request(new FakeProvider()), _observer, Token);

        Assert.Equal((3, 3, false), (result.Outcome.Measurements, result.Outcome.Ok, result.Interrupted));
        Assert.Equal([3], _observer.Phases);
        Assert.NotNull(during);
        Assert.Null(during.EndedAt);
        var ended = await RunInfoStore.ReadAsync(_folder.Path, Token);
        Assert.Equal((SessionFolder.RunId, "t", during.StartedAt), (ended.RunId, ended.ScenarioName, ended.StartedAt));
        Assert.NotNull(ended.EndedAt);
        Assert.NotEmpty(ended.ScenarioSha256);
        Assert.Equal(["calico", "flannel", Underlay.Name], ended.Clusters.Keys.Order(StringComparer.Ordinal));
        Assert.True(result.LeftBehind.IsEmpty);
    }

    [Fact]
    public async Task RunAsync_ProviderLeftSomething_ResultCarriesItAskedAfterTeardown()
    {
        var left = new LeftBehind([new LeftBehindItem("lab cnb-3fa2-flannel", "1 namespace (cnb-3fa2-flannel-n1)")], "cnibench lab down cnb-3fa2");
        var provider = new LeavingProvider(left);

        var result = await Tcp.Session(Tcp.Measures()).RunAsync(_folder.Request(provider), _observer, Token);

        Assert.Same(left, result.LeftBehind);
        Assert.True(provider.AllDisposedWhenAsked);
        Assert.Equal(3, result.Outcome.Ok);
    }

    [Fact]
    public async Task RunAsync_ExporterThrows_ReportedOthersRunAndMeasurementsIntact()
    {
        var reported = false;
        var broken = new StepExporter("charts", _ => throw new InvalidDataException("disk full"));
        var report = new StepExporter("report", _ =>
        {
            reported = true;
            return Task.CompletedTask;
        });

        var result = await Tcp.Session(Tcp.Measures()).RunAsync(_folder.Request(new FakeProvider(), broken, report), _observer, Token);

        Assert.Equal([new ExportFailure("charts", "disk full")], result.ExportFailures);
        Assert.Equal(result.ExportFailures, _observer.ExportFailures);
        Assert.True(reported);
        var rows = MeasurementCsvReader.Read(_folder.In(RunFolder.MeasurementsCsv));
        Assert.Equal(3, rows.Count(r => r.Metric == Metrics.ThroughputBps && r.Status == MeasurementStatus.Ok));
        Assert.True(File.Exists(_folder.In(RunFolder.SummaryCsv)));
        Assert.Contains(result.Summary, r => r.Cni == "flannel" && r.Metric == Metrics.ThroughputBps);
    }

    [Fact]
    public async Task RunAsync_Interrupted_KeepsRowsSoFarAndTellsTheExporters()
    {
        using var cts = new CancellationTokenSource();
        bool? interrupted = null;
        var request = _folder.Request(new FakeProvider()) with
        {
            Exporters = i =>
            {
                interrupted = i;
                return new RunExporters([new SummaryCsvExporter()]);
            },
        };

        var result = await Tcp.Session(Tcp.CancelsAt(2, cts)).RunAsync(request, _observer, cts.Token);

        Assert.True(result.Interrupted);
        Assert.True(interrupted);
        Assert.Single(MeasurementCsvReader.Read(_folder.In(RunFolder.MeasurementsCsv)), r => r.Metric == Metrics.ThroughputBps);
        Assert.NotNull((await RunInfoStore.ReadAsync(_folder.Path, Token)).EndedAt);
    }

    [Fact]
    public async Task RunAsync_Resumed_KeepsTheRunsRecordAndAddsThisAttempt()
    {
        var startedAt = DateTimeOffset.UnixEpoch;
        var weave = new ClusterInfo("lab: weave", new Dictionary<string, string>());
        var resumed = new RunInfo
        {
            RunId = SessionFolder.RunId,
            ScenarioName = "t",
            Provider = "lab",
            StartedAt = startedAt,
            EndedAt = startedAt,
            Clusters = new Dictionary<string, ClusterInfo> { ["weavenet"] = weave },
        };

        await Tcp.Session(Tcp.Measures()).RunAsync(_folder.Request(new FakeProvider()) with { Resumed = resumed }, _observer, Token);

        var info = await RunInfoStore.ReadAsync(_folder.Path, Token);
        Assert.Equal(startedAt, info.StartedAt);
        Assert.Single(info.ResumedAt);
        Assert.True(info.EndedAt > startedAt);
        Assert.Equal(weave.Description, info.Clusters["weavenet"].Description);
        Assert.Equal("fake", info.Clusters["flannel"].Description);
    }
}
