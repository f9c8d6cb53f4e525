using System.Xml.Linq;
using CniBench.Core.Measurements;
using CniBench.Results.Compare;
using CniBench.Runs;

namespace CniBench.Results.Tests.Compare;

public sealed class RunComparerTests : IDisposable
{
    private readonly TempRunDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CompareAsync_TenPercentSlowerCandidate_RegressionInEveryOutput()
    {
        var baseline = await Run("base", RunFixtures.Info("r1", RunFixtures.Start), 9e9);
        var candidate = await Run("cand", RunFixtures.Info("r2", RunFixtures.Start.AddDays(1)), 8.1e9);

        var report = await RunComparer.CompareAsync(baseline, candidate, ComparisonOptions.Default, TestKinds.Metrics, TestContext.Current.CancellationToken);

        var throughput = Assert.Single(report.Metrics, m => m.Key.Metric == Metrics.ThroughputBps);
        Assert.Equal(Verdict.Slower, throughput.Result.Verdict);
        Assert.Equal(Verdict.Same, Assert.Single(report.Metrics, m => m.Key.Metric == Metrics.HostCpuPercent).Result.Verdict);
        Assert.True(report.HasRegression);
        Assert.Empty(report.Mismatches);
        Assert.Contains("**slower**", CompareMarkdown.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Junit_WellFormedWithOneFailurePerRegression()
    {
        var baseline = await Run("base", RunFixtures.Info("r1", RunFixtures.Start), 9e9, caseOutcome: 1);
        var candidate = await Run("cand", RunFixtures.Info("r2", RunFixtures.Start.AddDays(1)), 8.1e9, caseOutcome: 0);
        var report = await RunComparer.CompareAsync(baseline, candidate, ComparisonOptions.Default, TestKinds.Metrics, TestContext.Current.CancellationToken);

        var path = await CompareJunit.WriteAsync(_temp.Path, report, TestContext.Current.CancellationToken);

        var document = XDocument.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        var cases = document.Descendants("testcase").ToList();
        Assert.Equal(report.Metrics.Count + report.NetpolCases.Count, cases.Count);
        var failures = cases.Where(c => c.Element("failure") is not null).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, c => (string?)c.Attribute("name") == Metrics.ThroughputBps);
        Assert.Contains(failures, c => (string?)c.Attribute("name") == "deny-all" && (string?)c.Attribute("classname") == "calico.netpol");
        Assert.Equal("2", (string?)document.Root!.Attribute("failures"));
    }

    [Fact]
    public async Task CompareAsync_NetpolCaseFailsNow_Regression()
    {
        var baseline = await Run("base", RunFixtures.Info("r1", RunFixtures.Start), 9e9, caseOutcome: 1);
        var candidate = await Run("cand", RunFixtures.Info("r2", RunFixtures.Start), 9e9, caseOutcome: 0);

        var report = await RunComparer.CompareAsync(baseline, candidate, ComparisonOptions.Default, TestKinds.Metrics, TestContext.Current.CancellationToken);

        var policy = Assert.Single(report.NetpolCases);
        Assert.True(policy.IsRegression);
        Assert.Equal(1, report.Regressions);
        Assert.DoesNotContain(report.Metrics, m => m.Key.Test == "netpol");
    }

    [Fact]
    public async Task CompareAsync_DifferentScenarioAndHost_ListedAndOnlyMatchesCompared()
    {
        var baseline = await RunFixtures.WriteAsync(Path.Join(_temp.Path, "base"), RunFixtures.Info("r1", RunFixtures.Start),
        [
            .. RunFixtures.Series("r1", "flannel", Metrics.ThroughputBps, Metrics.BitsPerSecond, RunFixtures.Values(9e9, 5)),
            .. RunFixtures.Series("r1", "weavenet", Metrics.ThroughputBps, Metrics.BitsPerSecond, RunFixtures.Values(5e9, 5)),
        ]);
        var candidate = await RunFixtures.WriteAsync(Path.Join(_temp.Path, "cand"), RunFixtures.Info("r2", RunFixtures.Start, scenario: "default", host: "other-host"),
        [
            .. RunFixtures.Series("r2", "flannel", Metrics.ThroughputBps, Metrics.BitsPerSecond, RunFixtures.Values(9e9, 5)),
            .. RunFixtures.Series("r2", "cilium", Metrics.ThroughputBps, Metrics.BitsPerSecond, RunFixtures.Values(8e9, 5)),
        ]);

        var report = await RunComparer.CompareAsync(baseline, candidate, ComparisonOptions.Default, TestKinds.Metrics, TestContext.Current.CancellationToken);

        Assert.Contains(report.Mismatches, m => m.StartsWith("scenario differs", StringComparison.Ordinal) && m.Contains("'nightly'", StringComparison.Ordinal));
        Assert.Contains(report.Mismatches, m => m.StartsWith("host differs", StringComparison.Ordinal) && m.Contains("other-host", StringComparison.Ordinal));
        Assert.Equal("flannel", Assert.Single(report.Metrics).Key.Cni);
        Assert.Equal("weavenet/tcp/1-stream/cross-node/throughput_bps", Assert.Single(report.OnlyInBaseline));
        Assert.Equal("cilium/tcp/1-stream/cross-node/throughput_bps", Assert.Single(report.OnlyInCandidate));
        var markdown = CompareMarkdown.Render(report);
        Assert.True(markdown.IndexOf("do not match", StringComparison.Ordinal) < markdown.IndexOf("## All metrics", StringComparison.Ordinal),
            "the mismatch is said at the top");
    }

    [Fact]
    public async Task CompareAsync_TruncatedCsv_ErrorNamesFileAndLine()
    {
        var baseline = await Run("base", RunFixtures.Info("r1", RunFixtures.Start), 9e9);
        var candidate = await Run("cand", RunFixtures.Info("r2", RunFixtures.Start), 9e9);
        var csv = Path.Join(candidate, RunFolder.MeasurementsCsv);
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(csv, string.Join("\n", lines.Take(4)) + "\n" + lines[4][..30] + "\n", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<MeasurementCsvException>(() =>
            RunComparer.CompareAsync(baseline, candidate, ComparisonOptions.Default, TestKinds.Metrics, TestContext.Current.CancellationToken));

        Assert.Equal(5, error.LineNumber);
        Assert.Contains(csv, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAsync_CasesOfAKindThatDeclaresThem_AreComparedAsCasesWhateverItsName()
    {
        var probes = new MetricDeclarations([new("probe_ok", Metrics.Bool, MetricDirection.None, "Probe passed")]) { Cases = new CaseGrading("probe_ok", "total") };
        var metrics = new MetricRegistry(SharedMetrics.Declarations, [KeyValuePair.Create("probes", probes)]);
        async Task<string> Write(string name, string runId, double pass) => await RunFixtures.WriteAsync(Path.Join(_temp.Path, name), RunFixtures.Info(runId, RunFixtures.Start),
            [.. RunFixtures.Series(runId, "calico", "probe_ok", Metrics.Bool, [pass], test: "probes", variant: "a", topology: Topologies.PodToPod)]);
        var baseline = await Write("base", "r1", 1);
        var candidate = await Write("cand", "r2", 0);

        var report = await RunComparer.CompareAsync(baseline, candidate, ComparisonOptions.Default, metrics, TestContext.Current.CancellationToken);

        var probe = Assert.Single(report.NetpolCases);
        Assert.Equal(("a", CaseOutcome.Pass, CaseOutcome.Fail), (probe.Case, probe.Baseline, probe.Candidate));
        Assert.Equal(("probes", "probe_ok"), probe.Source);
        Assert.Empty(report.Metrics);
    }

    private async Task<string> Run(string name, RunInfo info, double throughput, int? caseOutcome = null)
    {
        var rows = new List<Measurement>();
        rows.AddRange(RunFixtures.Series(info.RunId, "calico", Metrics.ThroughputBps, Metrics.BitsPerSecond, RunFixtures.Values(throughput, 5)));
        rows.AddRange(RunFixtures.Series(info.RunId, "calico", Metrics.HostCpuPercent, Metrics.Percent, RunFixtures.Values(60, 5)));
        if (caseOutcome is { } pass)
        {
            rows.AddRange(RunFixtures.Series(info.RunId, "calico", Metrics.CasePass, "bool", [pass], test: "netpol", variant: "deny-all", topology: Topologies.PodToPod));
            rows.AddRange(RunFixtures.Series(info.RunId, "calico", "cells_wrong", Metrics.Count, [1 - pass], test: "netpol", variant: "deny-all", topology: Topologies.PodToPod));
        }

        return await RunFixtures.WriteAsync(Path.Join(_temp.Path, name), info, rows);
    }
}
