using CniBench.Core.Measurements;
using CniBench.Results.Export;
using CniBench.Runs;

namespace CniBench.Results.Tests;

public sealed class RunExportersTests
{
    [Fact]
    public async Task ExportAsync_RunFolderWithMeasurements_WritesSummaryCsvAndSharesItsRows()
    {
        using var dir = new TempRunDirectory();
        await using (var sink = CsvMeasurementSink.Open(dir.Path))
        {
            await sink.WriteAsync(
                [
                    Samples.Row(Underlay.Name, 10e9),
                    Samples.Row("flannel", 6e9),
                    Samples.Row("flannel", 7e9, repetition: 2),
                    Samples.Row("flannel", null, repetition: 3, status: MeasurementStatus.Failed, reason: "timeout"),
                ],
                TestContext.Current.CancellationToken);
        }

        var context = new ExportContext(dir.Path, TestKinds.Metrics);
        var failures = await new RunExporters([new SummaryCsvExporter()]).ExportAsync(context, TestContext.Current.CancellationToken);

        Assert.Empty(failures);
        var rows = context.Summary!;

        var flannel = Assert.Single(rows, r => r.Cni == "flannel");
        Assert.Equal(65, flannel.PctOfUnderlay!.Value, 9);
        Assert.Equal(1, flannel.Failed);
        var lines = await File.ReadAllLinesAsync(Path.Join(dir.Path, "summary.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("flannel,tcp,streams-1,cross-node,throughput_bps,bit/s,2,6500000000,6500000000,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",65,1,0", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportAsync_OneExporterThrows_RunsTheOthersAndReportsIt()
    {
        using var dir = new TempRunDirectory();
        var ran = new List<string>();
        var exporters = new RunExporters(
        [
            new ScriptedExporter("first", () => ran.Add("first")),
            new ScriptedExporter("broken", () => throw new InvalidDataException("disk full")),
            new ScriptedExporter("last", () => ran.Add("last")),
        ]);

        var failures = await exporters.ExportAsync(new ExportContext(dir.Path, TestKinds.Metrics), TestContext.Current.CancellationToken);

        Assert.Equal(["first", "last"], ran);
        Assert.Equal([new ExportFailure("broken", "disk full")], failures);
    }

    [Fact]
    public async Task ExportAsync_CorruptMeasurements_SummaryFailsWithTheReason()
    {
        using var dir = new TempRunDirectory();
        await File.WriteAllTextAsync(Path.Join(dir.Path, "measurements.csv"), "not,a,measurements,file\n1,2\n", TestContext.Current.CancellationToken);

        var failures = await new RunExporters([new SummaryCsvExporter()]).ExportAsync(new ExportContext(dir.Path, TestKinds.Metrics), TestContext.Current.CancellationToken);

        Assert.Equal("summary.csv", Assert.Single(failures).Exporter);
    }

    private sealed class ScriptedExporter(string name, Action export) : IRunExporter
    {
        public string Name => name;

        public Task ExportAsync(ExportContext context, CancellationToken cancellationToken)
        {
            export();
            return Task.CompletedTask;
        }
    }
}
