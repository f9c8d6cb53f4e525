using CniBench.Cli.Console;
using CniBench.Results.Report;

namespace CniBench.Cli.Tests;

public sealed class RatingsTableTests
{
    [Fact]
    public void Cell_RatedWithAnInterval_ShowsRatingRatioIntervalAndN()
    {
        var row = new RatingRow("flannel", "tcp-throughput", "tcp", "1-stream", "cross-node", "acceptable", 0.7297, 0.5939, 0.8660, 5, true);

        Assert.Equal("acceptable 0.73 [[0.59–0.87]] n=5", RatingsTable.Cell(row));
    }

    [Fact]
    public void Cell_NotSignificant_SaysWithinNoiseAndThatNoIntervalExists()
    {
        var row = new RatingRow("flannel", "tcp-throughput", "tcp", "1-stream", "cross-node", "best", 0.71, null, null, 3, false);

        Assert.Equal("best 0.71 [[no interval]] n=3, within noise", RatingsTable.Cell(row));
    }

    [Fact]
    public void Build_RatedCells_RendersWithoutMarkupErrors()
    {
        // Brackets are Spectre markup: an unescaped "[95%" in a title or cell crashed the end of a run once.
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(output) });
        var table = RatingsTable.Build(
        [
            new RatingRow("flannel", "tcp-throughput", "tcp", "1-stream", "cross-node", "acceptable", 0.73, 0.59, 0.87, 5, true),
            new RatingRow("calico", "tcp-throughput", "tcp", "1-stream", "cross-node", "best", 0.94, null, null, 3, false),
        ])!;

        console.Write(table);

        Assert.Contains("[95% interval]", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("acceptable 0.73 [0.59–0.87] n=5", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoRatedCell_ShowsNoTable()
    {
        Assert.Null(RatingsTable.Build([new RatingRow("a", "mtu", "", "", "", "best", null, null, null, null, null)]));
    }
}
