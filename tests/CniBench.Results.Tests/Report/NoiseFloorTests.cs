using CniBench.Core.Measurements;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Results.Tests.Report;

public sealed class NoiseFloorTests
{
    private const string Fingerprint = "lab.datapath_fingerprint";
    private static readonly Dictionary<string, PolicyDirections> NoSuite = [];

    private static IEnumerable<Measurement> Repeated(string cni, params double[] values) =>
        values.Select((v, i) => Samples.Row(cni, v, repetition: i + 1));

    private static IEnumerable<Measurement> Repeated(string cni, string metric, params double[] values) =>
        values.Select((v, i) => Samples.Row(cni, v, repetition: i + 1, metric: metric));

    private static RunInfo Run(params (string Cni, string Fingerprint)[] clusters) => new()
    {
        RunId = "r",
        ScenarioName = "s",
        Provider = "lab",
        Clusters = clusters.ToDictionary(c => c.Cni, c => new ClusterInfo("lab", new Dictionary<string, string> { [Fingerprint] = c.Fingerprint })),
    };

    private static NoiseControl Build(RunInfo? run, List<Measurement> rows) =>
        NoiseFloor.Build(run, rows, SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), run, NoSuite, rows, TestKinds.Metrics));

    [Fact]
    public void Build_EqualFingerprints_ComparesThePairOnEveryRatedCriterion()
    {
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 10e9, 10.1e9, 9.9e9, 10e9, 10.2e9),
            .. Repeated("canal", 8.6e9, 9.7e9, 8.8e9, 9.5e9, 9.1e9),
            .. Repeated("cilium", 9.6e9, 8.5e9, 9.4e9, 8.7e9, 8.9e9),
            .. Repeated("flannel", 7e9, 7.1e9, 6.9e9, 7e9, 7.2e9),
            .. Repeated(Underlay.Name, Metrics.DatapathCpuCoresPerGbps, 0.1, 0.1, 0.1, 0.1, 0.1),
            .. Repeated("canal", Metrics.DatapathCpuCoresPerGbps, 0.14, 0.15, 0.14, 0.15, 0.14),
            .. Repeated("cilium", Metrics.DatapathCpuCoresPerGbps, 0.15, 0.14, 0.15, 0.16, 0.15),
            .. Repeated("flannel", Metrics.DatapathCpuCoresPerGbps, 0.2, 0.2, 0.2, 0.2, 0.2),
        ];
        var run = Run(("canal", "routed;vxlan"), ("cilium", "routed;vxlan"), ("flannel", "bridge;vxlan"), (Underlay.Name, "underlay"));

        var control = Build(run, rows);

        Assert.Equal(NoiseControlKind.AaPairs, control.Kind);
        Assert.Equal([new AaPair("canal", "cilium", "routed;vxlan")], control.Pairs);
        Assert.Equal(["TCP throughput", "CPU per Gbit/s"], control.Gaps.Select(g => g.Criteria));
        var tcp = control.Gaps[0];
        Assert.Equal(("canal", "cilium", 5, 5), (tcp.First, tcp.Second, tcp.Comparison.BaselineN, tcp.Comparison.CandidateN));
        Assert.Equal(8.9e9 / 9.1e9, tcp.Comparison.Ratio!.Value, 6);
        Assert.True(tcp.Comparison.RatioLow < 1 && tcp.Comparison.RatioHigh > 1, "an A/A interval straddles 1");
        Assert.Equal(1 - (8.9e9 / 9.1e9), tcp.Gap!.Value, 6);
        Assert.Matches(@"^98% \[\d+%–\d+%\], n=5\+5$", NoiseFloor.GapText(tcp));
        Assert.Empty(control.Notes);
        Assert.StartsWith("Noise floor: canal and cilium build the same datapath in the lab; cilium measured 98% [", NoiseFloor.Headline(control), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ThreeClustersAlike_MakesEveryPair()
    {
        List<Measurement> rows = [.. Repeated("a", 9e9), .. Repeated("b", 9e9), .. Repeated("c", 9e9)];

        var control = Build(Run(("a", "x"), ("b", "x"), ("c", "x")), rows);

        Assert.Equal(["a/b", "a/c", "b/c"], control.Pairs.Select(p => $"{p.First}/{p.Second}"));
    }

    [Fact]
    public void Build_PairNeverMeasured_IsNoPair()
    {
        // A cluster the host could not build (cilium+ipsec without ESP) has a fingerprint but no figures.
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 10e9, 10e9, 10e9),
            .. Repeated("canal", 9e9, 9e9, 9e9),
            Samples.Row("cilium", null, status: MeasurementStatus.Unsupported, reason: "no ESP"),
        ];

        var control = Build(Run(("canal", "x"), ("cilium", "x")), rows);

        Assert.Empty(control.Pairs);
        Assert.Contains("their datapath fingerprints (lab.datapath_fingerprint in run.json) all differ", control.Notes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoPairFourUnderlayRepetitions_ComparesTheUnderlayHalves()
    {
        List<Measurement> rows = [.. Repeated(Underlay.Name, 10e9, 10.2e9, 9.8e9, 10.1e9), .. Repeated("flannel", 7e9, 7e9, 7e9, 7e9)];

        var control = Build(Run(("flannel", "bridge;vxlan")), rows);

        Assert.Equal(NoiseControlKind.UnderlayHalves, control.Kind);
        var gap = Assert.Single(control.Gaps);
        Assert.Equal(("underlay, first 2 of 4 repetitions", "underlay, last 2"), (gap.First, gap.Second));
        Assert.Equal((2, 2), (gap.Comparison.BaselineN, gap.Comparison.CandidateN));
        Assert.Equal(9.95e9 / 10.1e9, gap.Comparison.Ratio!.Value, 6);
        Assert.Equal("99% [no 95% interval], n=2+2", NoiseFloor.GapText(gap));
        Assert.Contains("Instead the underlay is measured against itself", control.Notes[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoPairThreeUnderlayRepetitions_SaysNoControlWasMeasuredAndWhy()
    {
        List<Measurement> rows = [.. Repeated(Underlay.Name, 10e9, 10e9, 10e9), .. Repeated("flannel", 7e9, 7e9, 7e9)];

        var control = Build(null, rows);

        Assert.Equal(NoiseControlKind.None, control.Kind);
        Assert.Empty(control.Gaps);
        Assert.Contains("run.json records no datapath fingerprint", control.Notes[0], StringComparison.Ordinal);
        Assert.Equal("No noise control was measured: the underlay has 3 repetitions of TCP throughput (tcp streams-1 cross-node), and halves need at least 4.", control.Notes[1]);
        Assert.Equal("Noise floor: this run measured no noise control (see the noise floor section for why).", NoiseFloor.Headline(control));
    }
}
