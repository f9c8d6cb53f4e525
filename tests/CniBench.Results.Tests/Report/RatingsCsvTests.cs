using CniBench.Core.Measurements;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Results.Tests.Report;

public sealed class RatingsCsvTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_MatrixOfARun_RoundTripsEveryCellWithItsStatistics()
    {
        using var dir = new TempRunDirectory();
        List<Measurement> rows =
        [
            .. Enumerable.Range(1, 5).Select(i => Samples.Row(Underlay.Name, 10e9 + (i * 1e7), repetition: i)),
            .. Enumerable.Range(1, 5).Select(i => Samples.Row("slow", 5e9 + (i * 1e7), repetition: i)),
        ];
        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), null, new Dictionary<string, PolicyDirections>(), rows, TestKinds.Metrics);

        await RatingsCsv.WriteAsync(dir.Path, RatingsCsv.From(matrix), Token);
        var read = RatingsCsv.Read(Path.Join(dir.Path, RatingsCsv.FileName));

        Assert.Equal(RatingsCsv.From(matrix), read);
        var tcp = read.Single(r => r.Criterion == "tcp-throughput");
        Assert.Equal(("slow", "poor", "tcp", "streams-1", "cross-node", 5, true), (tcp.Cni, tcp.Rating, tcp.Test, tcp.Variant, tcp.Topology, tcp.N, tcp.Significant));
        Assert.InRange(tcp.RatioToReference!.Value, 0.49, 0.51);
        Assert.True(tcp.RatioCiLow < tcp.RatioToReference && tcp.RatioToReference < tcp.RatioCiHigh);
        var header = (await File.ReadAllLinesAsync(Path.Join(dir.Path, RatingsCsv.FileName), Token))[0];
        Assert.Equal("cni,criterion,test,variant,topology,rating,ratio_to_reference,ratio_ci_low,ratio_ci_high,n,significant", header);
    }

    [Fact]
    public void Of_TwoRuns_CountsOnlyCellsRatedInBothAndListsTheDisagreements()
    {
        RatingRow Cell(string cni, string criterion, string rating) => new(cni, criterion, "", "", "", rating, null, null, null, null, null);
        IReadOnlyList<RatingRow> first = [Cell("a", "tcp", "best"), Cell("b", "tcp", "poor"), Cell("c", "tcp", "n/a"), Cell("d", "tcp", "best")];
        IReadOnlyList<RatingRow> second = [Cell("a", "tcp", "best"), Cell("b", "tcp", "acceptable"), Cell("c", "tcp", "best")];

        var agreement = RatingAgreement.Of(first, second);

        Assert.Equal(2, agreement.Compared);
        Assert.Equal(1, agreement.Agreeing);
        Assert.Equal(0.5, agreement.Share);
        Assert.Equal("b", Assert.Single(agreement.Disagreements).First.Cni);
    }
}
