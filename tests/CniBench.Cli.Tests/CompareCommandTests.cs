using System.Xml.Linq;
using CniBench.Core.Measurements;
using CniBench.Results;

namespace CniBench.Cli.Tests;

/// <summary>
/// <c>compare</c> through the command parser on run folders written with the real CSV sink: a synthetic 10 %
/// slowdown in a copy of a run is a regression (exit 1), an unchanged copy is not (exit 0).
/// </summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Compare_CopyWithTenPercentSlowdown_ExitsRegressionAndWritesJunitFailure()
    {
        var baseline = await CompareFixtures.WriteRunAsync(_temp.Folder("baseline"), "20261101T020000Z-aaaa", CompareFixtures.Start);
        var candidate = CompareFixtures.CopyRun(baseline, _temp.Folder("candidate"),
            m => m.Cni == "flannel" && m.Metric == Metrics.ThroughputBps ? m with { Value = m.Value * 0.9 } : m);

        var result = await CliInvocation.InvokeAsync("compare", baseline, candidate);

        Assert.True(result.ExitCode == ExitCodes.Regression, result.ToString());
        Assert.Contains("slower", result.Output, StringComparison.Ordinal);
        var junit = XDocument.Load(Path.Join(candidate, "junit.xml"));
        var failure = Assert.Single(junit.Descendants("failure"));
        Assert.Equal(Metrics.ThroughputBps, (string?)failure.Parent!.Attribute("name"));
        Assert.StartsWith("flannel.", (string?)failure.Parent!.Attribute("classname"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Join(candidate, "compare.md")));
    }

    [Fact]
    public async Task Compare_UnchangedCopy_ExitsOk()
    {
        var baseline = await CompareFixtures.WriteRunAsync(_temp.Folder("baseline"), "20261101T020000Z-aaaa", CompareFixtures.Start);
        var candidate = CompareFixtures.CopyRun(baseline, _temp.Folder("candidate"), m => m);
        var outDirectory = Path.Join(_temp.Path, "out");

        var result = await CliInvocation.InvokeAsync("compare", baseline, candidate, "--out", outDirectory);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("no regression", result.Output, StringComparison.Ordinal);
        Assert.Empty(XDocument.Load(Path.Join(outDirectory, "junit.xml")).Descendants("failure"));
    }

    [Fact]
    public async Task Compare_TenPercentSlowdownWithThresholdFifteen_ExitsOk()
    {
        var baseline = await CompareFixtures.WriteRunAsync(_temp.Folder("baseline"), "20261101T020000Z-aaaa", CompareFixtures.Start);
        var candidate = CompareFixtures.CopyRun(baseline, _temp.Folder("candidate"),
            m => m.Metric == Metrics.ThroughputBps ? m with { Value = m.Value * 0.9 } : m);

        var result = await CliInvocation.InvokeAsync("compare", baseline, candidate, "--threshold", "15%");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public async Task Compare_CorruptCsv_ExitsBadInputNamingLine()
    {
        var baseline = await CompareFixtures.WriteRunAsync(_temp.Folder("baseline"), "20261101T020000Z-aaaa", CompareFixtures.Start);
        var candidate = CompareFixtures.CopyRun(baseline, _temp.Folder("candidate"), m => m);
        var csv = Path.Join(candidate, RunFolder.MeasurementsCsv);
        await File.AppendAllTextAsync(csv, "20261101T020000Z-aaaa,lab,flannel,tcp\n", TestContext.Current.CancellationToken);
        var line = File.ReadAllLines(csv).Length;

        var result = await CliInvocation.InvokeAsync("compare", baseline, candidate);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains($"line {line}", result.Error, StringComparison.Ordinal);
        Assert.Contains(RunFolder.MeasurementsCsv, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--threshold", "lots")]
    [InlineData("--threshold", "150%")]
    public async Task Compare_BadThreshold_ExitsBadInput(string option, string value)
    {
        var baseline = await CompareFixtures.WriteRunAsync(_temp.Folder("baseline"), "20261101T020000Z-aaaa", CompareFixtures.Start);

        var result = await CliInvocation.InvokeAsync("compare", baseline, baseline, option, value);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--threshold", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_MissingFolder_ExitsBadInput()
    {
        var baseline = await CompareFixtures.WriteRunAsync(_temp.Folder("baseline"), "20261101T020000Z-aaaa", CompareFixtures.Start);

        var result = await CliInvocation.InvokeAsync("compare", baseline, Path.Join(_temp.Path, "nope"));

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("not a run folder", result.Error, StringComparison.Ordinal);
    }
}
