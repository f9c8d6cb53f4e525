using CniBench.Core.Measurements;

namespace CniBench.Results.Tests;

public sealed class RunSummaryTests
{
    [Fact]
    public async Task WriteAsync_RunFolderWithMeasurements_WritesSummaryCsv()
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

        var rows = await RunSummary.WriteAsync(dir.Path, TestContext.Current.CancellationToken);

        var flannel = Assert.Single(rows, r => r.Cni == "flannel");
        Assert.Equal(65, flannel.PctOfUnderlay!.Value, 9);
        Assert.Equal(1, flannel.Failed);
        var lines = await File.ReadAllLinesAsync(Path.Join(dir.Path, "summary.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("flannel,tcp,streams-1,cross-node,throughput_bps,bit/s,2,6500000000,6500000000,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",65,1,0", lines[2], StringComparison.Ordinal);
    }
}
