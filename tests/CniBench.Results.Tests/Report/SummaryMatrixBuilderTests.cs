using CniBench.Core.Measurements;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Results.Tests.Report;

public sealed class SummaryMatrixBuilderTests
{
    private static readonly Dictionary<string, PolicyDirections> NoSuite = [];

    /// <summary>Repetitions spread ±1% around a median: enough for a 95% interval, tight enough to separate clear gaps.</summary>
    private static IEnumerable<Measurement> Repeated(string cni, double median, string metric = Metrics.ThroughputBps, int n = 5) =>
        Enumerable.Range(1, n).Select(i => Samples.Row(cni, median * (1 + ((i - ((n + 1) / 2.0)) * 0.005)), repetition: i, metric: metric));

    [Theory]
    [InlineData("bulk", Rating.Poor)]
    [InlineData("tcp", Rating.NotApplicable)]
    public void Build_CriterionFedByAKind_RatesThatKindsRowsWhateverItsName(string test, Rating expected)
    {
        // Which test feeds a criterion is a kind's declaration: here a kind called "bulk" rates throughput_bps.
        var bulk = new MetricDeclarations([]) { Criteria = [new(ReportCriteria.TcpThroughput, Metrics.ThroughputBps)] };
        var metrics = new MetricRegistry(SharedMetrics.Declarations, [KeyValuePair.Create("bulk", bulk)]);
        List<Measurement> rows = [.. Repeated(Underlay.Name, 10e9).Concat(Repeated("slow", 5e9)).Select(r => r with { Test = test })];

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), null, NoSuite, rows, metrics);

        var column = matrix.Criteria.ToList().FindIndex(c => c.Id == ReportCriteria.TcpThroughput);
        Assert.Equal(expected, Assert.Single(matrix.Rows).Cells[column].Rating);
    }

    [Fact]
    public void Build_ThroughputAgainstUnderlay_GradesByStatedThresholds()
    {
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 10e9),
            .. Repeated("fast", 9.5e9),
            .. Repeated("middle", 8e9),
            .. Repeated("slow", 5e9),
        ];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var tcp = matrix.Criteria.ToList().FindIndex(c => c.Id == "tcp-throughput");
        Assert.Equal(["fast", "middle", "slow"], matrix.Rows.Select(r => r.Cni));
        Assert.Equal([Rating.Best, Rating.Acceptable, Rating.Poor], matrix.Rows.Select(r => r.Cells[tcp].Rating));
        Assert.StartsWith("9.50 Gbit/s (95% [", matrix.Rows[0].Cells[tcp].Text, StringComparison.Ordinal);
        Assert.EndsWith(", n=5)", matrix.Rows[0].Cells[tcp].Text, StringComparison.Ordinal);
        Assert.All(matrix.Rows.Skip(1), r => Assert.True(r.Cells[tcp].Stats!.Significant));
        Assert.Contains("underlay 10.00 Gbit/s", matrix.Criteria[tcp].Basis, StringComparison.Ordinal);
        Assert.Contains("best ≥ 90%, acceptable ≥ 70%", matrix.Criteria[tcp].Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoUnderlay_ComparesWithBestCni()
    {
        List<Measurement> rows = [.. Repeated("a", 10e9), .. Repeated("b", 6e9)];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var tcp = matrix.Criteria.ToList().FindIndex(c => c.Id == "tcp-throughput");
        Assert.Equal([Rating.Best, Rating.Poor], matrix.Rows.Select(r => r.Cells[tcp].Rating));
        Assert.Contains("best CNI", matrix.Criteria[tcp].Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ThreeRepetitionsEach_NeverRatesDownAndSaysWithinNoise()
    {
        // Mann–Whitney with 3 a side can never reach 95%: the data cannot separate these, whatever the medians say.
        List<Measurement> rows = [.. Repeated(Underlay.Name, 10e9, n: 3), .. Repeated("half", 5e9, n: 3)];

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), null, NoSuite, rows, TestKinds.Metrics);

        var tcp = matrix.Criteria.ToList().FindIndex(c => c.Id == "tcp-throughput");
        var cell = matrix.Rows.Single().Cells[tcp];
        Assert.Equal(Rating.Best, cell.Rating);
        Assert.Contains("[no 95% interval]", cell.Text, StringComparison.Ordinal);
        Assert.EndsWith("n=3, within noise)", cell.Text, StringComparison.Ordinal);
        Assert.False(cell.Stats!.Significant);
        Assert.Null(cell.Stats.RatioHigh);
    }

    [Fact]
    public void Build_SameDatapathMeasuredTwice_NotRatedApartWhenTheGapIsNoise()
    {
        // An A/A pair: the same distribution (85–97% of the underlay), interleaved; one median lands under 90%.
        double[] a = [8.6e9, 9.7e9, 8.8e9, 9.5e9, 9.1e9];
        double[] b = [9.6e9, 8.5e9, 9.4e9, 8.7e9, 8.9e9];
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 10e9),
            .. a.Select((v, i) => Samples.Row("canal", v, repetition: i + 1)),
            .. b.Select((v, i) => Samples.Row("cilium", v, repetition: i + 1)),
        ];

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), null, NoSuite, rows, TestKinds.Metrics);

        var tcp = matrix.Criteria.ToList().FindIndex(c => c.Id == "tcp-throughput");
        Assert.All(matrix.Rows, r => Assert.Equal(Rating.Best, r.Cells[tcp].Rating));
        Assert.Contains("within noise", matrix.Rows.Single(r => r.Cni == "cilium").Cells[tcp].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CriterionNotMeasured_IsNotApplicable()
    {
        List<Measurement> rows = [Samples.Row("a", 10e9)];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        foreach (var id in new[] { "udp-throughput", "http", "policy-ingress", "policy-egress", "mtu" })
        {
            var index = matrix.Criteria.ToList().FindIndex(c => c.Id == id);
            Assert.Equal(Rating.NotApplicable, matrix.Rows[0].Cells[index].Rating);
            Assert.Equal("", matrix.Criteria[index].Basis);
        }
    }

    [Fact]
    public void Build_ClusterTheHostCouldNotBuild_SaysUnsupportedInsteadOfNotApplicable()
    {
        List<Measurement> rows =
        [
            Samples.Row("calico", 9e9),
            Samples.Row("cilium+ipsec", null, status: MeasurementStatus.Unsupported, reason: "cilium+ipsec: kernel has no ESP"),
        ];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var ipsec = matrix.Rows.Single(r => r.Cni == "cilium+ipsec");
        Assert.All(ipsec.Cells, c => Assert.Equal(Rating.NotApplicable, c.Rating));
        Assert.Contains(ipsec.Cells, c => c.Text == "unsupported here");
        Assert.DoesNotContain(matrix.Rows.Single(r => r.Cni == "calico").Cells, c => c.Text.StartsWith("unsupported", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_EncryptedVariant_RatesEncryptedThroughputAndWireCheck()
    {
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 10e9),
            .. Repeated("calico", 9.5e9),
            .. Repeated("calico+wireguard", 5e9),
            .. Repeated("cilium+ipsec", 3e9),
            Samples.Row("calico+wireguard", 0, metric: "wire_plaintext_seen"),
            Samples.Row("calico+wireguard", 1800, metric: "wire_data_frames_sampled"),
            Samples.Row("cilium+ipsec", 1, metric: "wire_plaintext_seen"),
        ];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var encrypted = matrix.Criteria.ToList().FindIndex(c => c.Id == "encrypted-throughput");
        var verified = matrix.Criteria.ToList().FindIndex(c => c.Id == "encryption-verified");
        var cells = matrix.Rows.ToDictionary(r => r.Cni);
        Assert.Equal(Rating.NotApplicable, cells["calico"].Cells[encrypted].Rating);
        Assert.Equal(Rating.Acceptable, cells["calico+wireguard"].Cells[encrypted].Rating);
        Assert.Equal(Rating.Poor, cells["cilium+ipsec"].Cells[encrypted].Rating);
        Assert.Equal(Rating.Best, cells["calico+wireguard"].Cells[verified].Rating);
        Assert.Equal(Rating.Poor, cells["cilium+ipsec"].Cells[verified].Rating);
        Assert.Equal(Rating.NotApplicable, cells["calico"].Cells[verified].Rating);
    }

    [Theory]
    [InlineData(null, "inconclusive: no data-frame count")]
    [InlineData(3.0, "inconclusive: a sample saw 3 data frames")]
    public void Build_NoPlaintextButTooFewDataFrames_IsInconclusiveNeverVerified(double? dataFrames, string text)
    {
        // A capture that saw no data frame of the flow saw no plaintext either: that proves nothing.
        List<Measurement> rows =
        [
            Samples.Row(Underlay.Name, 10e9),
            Samples.Row("calico+wireguard", 5e9),
            Samples.Row("calico+wireguard", 0, metric: "wire_plaintext_seen"),
        ];
        if (dataFrames is { } frames)
        {
            rows.Add(Samples.Row("calico+wireguard", frames, metric: "wire_data_frames_sampled"));
        }

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), null, NoSuite, rows, TestKinds.Metrics);

        var verified = matrix.Criteria.ToList().FindIndex(c => c.Id == "encryption-verified");
        var cell = matrix.Rows.Single(r => r.Cni == "calico+wireguard").Cells[verified];
        Assert.Equal(Rating.NotApplicable, cell.Rating);
        Assert.StartsWith(text, cell.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("calico+wireguard", true)]
    [InlineData("cilium+ipsec", true)]
    [InlineData("flannel+host-gw", false)]
    [InlineData("calico", false)]
    public void IsEncrypted_ByVariantName_RecognisesEncryption(string cni, bool expected) =>
        Assert.Equal(expected, SummaryMatrixBuilder.IsEncrypted(cni, null));

    [Fact]
    public void IsEncrypted_ClusterFactNamesEncryption_IsEncrypted()
    {
        var run = new RunInfo
        {
            RunId = "r",
            ScenarioName = "s",
            Provider = "lab",
            Clusters = new Dictionary<string, ClusterInfo>
            {
                ["x"] = new("lab", new Dictionary<string, string> { ["lab.encryption"] = "wireguard" }),
                ["y"] = new("lab", new Dictionary<string, string> { ["lab.encryption"] = "none" }),
            },
        };

        Assert.True(SummaryMatrixBuilder.IsEncrypted("x", run));
        Assert.False(SummaryMatrixBuilder.IsEncrypted("y", run));
    }

    [Fact]
    public void Build_CpuPerGbit_GradesRatioToUnderlay()
    {
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 0.10, Metrics.DatapathCpuCoresPerGbps),
            .. Repeated("lean", 0.105, Metrics.DatapathCpuCoresPerGbps),
            .. Repeated("heavier", 0.125, Metrics.DatapathCpuCoresPerGbps),
            .. Repeated("heavy", 0.2, Metrics.DatapathCpuCoresPerGbps),
        ];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var cpu = matrix.Criteria.ToList().FindIndex(c => c.Id == "cpu-per-gbit");
        Assert.Equal([Rating.Best, Rating.Acceptable, Rating.Poor], matrix.Rows.Select(r => r.Cells[cpu].Rating));
    }

    [Fact]
    public void Build_CpuPerGbitWithAPacedVariant_GradesThePacedRowsNotSaturation()
    {
        // At saturation the costs track 1/throughput (here reversed); at the common paced rate "lean" really is lean.
        static IEnumerable<Measurement> Paced(string cni, double median) =>
            Enumerable.Range(1, 5).Select(i => Samples.Row(cni, median * (1 + ((i - 3) * 0.005)), repetition: i, variant: "paced-200M", metric: Metrics.DatapathCpuCoresPerGbps));
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 0.10, Metrics.DatapathCpuCoresPerGbps),
            .. Repeated("lean", 0.30, Metrics.DatapathCpuCoresPerGbps),
            .. Repeated("heavy", 0.10, Metrics.DatapathCpuCoresPerGbps),
            .. Paced(Underlay.Name, 0.50),
            .. Paced("lean", 0.52),
            .. Paced("heavy", 1.0),
        ];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var cpu = matrix.Criteria.ToList().FindIndex(c => c.Id == "cpu-per-gbit");
        Assert.Equal([Rating.Best, Rating.Poor], matrix.Rows.Select(r => r.Cells[cpu].Rating));
        Assert.Contains("common paced rate", matrix.Criteria[cpu].Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PathMtu_GradesDeficitAndMismatch()
    {
        List<Measurement> rows =
        [
            Samples.Row(Underlay.Name, 1500, test: "mtu", metric: "path_mtu_bytes"),
            Samples.Row("routed", 1500, test: "mtu", metric: "path_mtu_bytes"),
            Samples.Row("vxlan", 1450, test: "mtu", metric: "path_mtu_bytes"),
            Samples.Row("weave", 1376, test: "mtu", metric: "path_mtu_bytes"),
            Samples.Row("broken", 1500, test: "mtu", metric: "path_mtu_bytes"),
            Samples.Row("broken", 1, test: "mtu", metric: "mtu_mismatch"),
        ];
        var summary = SummaryBuilder.Build(rows);

        var matrix = SummaryMatrixBuilder.Build(summary, null, NoSuite, rows, TestKinds.Metrics);

        var mtu = matrix.Criteria.ToList().FindIndex(c => c.Id == "mtu");
        Assert.Equal([Rating.Best, Rating.Acceptable, Rating.Poor, Rating.Poor], matrix.Rows.Select(r => r.Cells[mtu].Rating));
        Assert.Equal("1450 bytes (−50, n=1)", matrix.Rows[1].Cells[mtu].Text);
        Assert.Equal("1500 bytes (n=1)", matrix.Rows[0].Cells[mtu].Text);
    }

    [Fact]
    public void Build_PolicyCases_SplitByDirection()
    {
        List<Measurement> rows =
        [
            Samples.Row("calico", 1, test: "netpol", variant: "01-deny-all-ingress", metric: "case_pass"),
            Samples.Row("calico", 0, test: "netpol", variant: "02-deny-all-egress", metric: "case_pass"),
            Samples.Row("calico", 1, test: "netpol", variant: "07-allow-from-pod", metric: "case_pass"),
        ];
        var summary = SummaryBuilder.Build(rows);
        var suite = new Dictionary<string, PolicyDirections> { ["07-allow-from-pod"] = PolicyDirections.Ingress };

        var matrix = SummaryMatrixBuilder.Build(summary, null, suite, rows, TestKinds.Metrics);

        var ingress = matrix.Criteria.ToList().FindIndex(c => c.Id == "policy-ingress");
        var egress = matrix.Criteria.ToList().FindIndex(c => c.Id == "policy-egress");
        Assert.Equal(new MatrixCell(Rating.Best, "2/2 cases (n=1, lab model)"), matrix.Rows[0].Cells[ingress]);
        Assert.Equal(new MatrixCell(Rating.Poor, "0/1 cases (n=1, lab model)"), matrix.Rows[0].Cells[egress]);
        Assert.Contains("the lab's nftables model", matrix.Criteria[ingress].Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PolicyCasesOnKubernetes_AreNotCalledALabModel()
    {
        List<Measurement> rows = [Samples.Row("calico", 1, test: "netpol", variant: "01-deny-all-ingress", metric: "case_pass") with { Provider = "kubernetes" }];

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), null, NoSuite, rows, TestKinds.Metrics);

        var ingress = matrix.Criteria.ToList().FindIndex(c => c.Id == "policy-ingress");
        Assert.Equal("1/1 cases (n=1)", matrix.Rows[0].Cells[ingress].Text);
        Assert.DoesNotContain("lab", matrix.Criteria[ingress].Rule, StringComparison.Ordinal);
    }

    private static RunInfo WithFacts(params (string Cni, string Key, string Value)[] facts) => new()
    {
        RunId = "r",
        ScenarioName = "s",
        Provider = "lab",
        Clusters = facts.GroupBy(f => f.Cni).ToDictionary(
            g => g.Key,
            g => new ClusterInfo("lab", g.ToDictionary(f => f.Key, f => f.Value))),
    };

    [Fact]
    public void Build_UserspaceWireGuard_SaysSoAndIsRatedOnlyAgainstTheSameImplementation()
    {
        // wireguard-go reaches a few % of the kernel underlay; rated against it, every WireGuard cluster would be "poor"
        // for a reason that is no fact about the CNI.
        List<Measurement> rows =
        [
            .. Repeated(Underlay.Name, 10e9),
            .. Repeated("calico", 9.5e9),
            .. Repeated("calico+wireguard", 0.3e9),
            .. Repeated("flannel+wireguard", 0.15e9),
        ];
        var run = WithFacts(
            ("calico+wireguard", "implementation", "wireguard-go v0.0.20220316"),
            ("flannel+wireguard", "implementation", "wireguard-go v0.0.20220316"));

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), run, NoSuite, rows, TestKinds.Metrics);

        var encrypted = matrix.Criteria.ToList().FindIndex(c => c.Id == "encrypted-throughput");
        var tcp = matrix.Criteria.ToList().FindIndex(c => c.Id == "tcp-throughput");
        var cells = matrix.Rows.ToDictionary(r => r.Cni);
        Assert.Equal(Rating.Best, cells["calico+wireguard"].Cells[encrypted].Rating);
        Assert.Equal(Rating.Acceptable, cells["flannel+wireguard"].Cells[encrypted].Rating);
        Assert.StartsWith("150.0 Mbit/s (50% [", cells["flannel+wireguard"].Cells[encrypted].Text, StringComparison.Ordinal);
        Assert.EndsWith("] of calico+wireguard, n=5; userspace wireguard-go, not kernel WireGuard)", cells["flannel+wireguard"].Cells[encrypted].Text, StringComparison.Ordinal);
        Assert.Equal(Rating.Poor, cells["flannel+wireguard"].Cells[tcp].Rating);
        Assert.Contains("of calico+wireguard", cells["flannel+wireguard"].Cells[tcp].Text, StringComparison.Ordinal);
        Assert.EndsWith("; userspace wireguard-go)", cells["flannel+wireguard"].Cells[tcp].Text, StringComparison.Ordinal);
        Assert.Equal(Rating.Best, cells["calico"].Cells[tcp].Rating);
        Assert.DoesNotContain("wireguard", cells["calico"].Cells[tcp].Text, StringComparison.Ordinal);
        Assert.Contains("reference: underlay 10.00 Gbit/s", matrix.Criteria[tcp].Basis, StringComparison.Ordinal);
        Assert.Contains("wireguard-go v0.0.20220316 clusters (a stand-in): against the best of them, calico+wireguard 300.0 Mbit/s (n=5)", matrix.Criteria[encrypted].Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UserspaceWireGuardAlone_IsNotRatedAndSaysWhy()
    {
        List<Measurement> rows = [.. Repeated(Underlay.Name, 10e9), .. Repeated("calico+wireguard", 0.3e9), .. Repeated("cilium+wireguard", 3e9)];
        var run = WithFacts(("calico+wireguard", "implementation", "wireguard-go v0.0.20220316"), ("cilium+wireguard", "implementation", "kernel"));

        var matrix = SummaryMatrixBuilder.Build(SummaryBuilder.Build(rows), run, NoSuite, rows, TestKinds.Metrics);

        var encrypted = matrix.Criteria.ToList().FindIndex(c => c.Id == "encrypted-throughput");
        var cells = matrix.Rows.ToDictionary(r => r.Cni);
        Assert.Equal(
            new MatrixCell(Rating.NotApplicable, "300.0 Mbit/s, not rated: the only cluster measured with wireguard-go v0.0.20220316 (userspace wireguard-go, not kernel WireGuard)"),
            cells["calico+wireguard"].Cells[encrypted]);
        // Kernel WireGuard is the real thing: rated against the underlay, as any other datapath.
        Assert.Equal(Rating.Poor, cells["cilium+wireguard"].Cells[encrypted].Rating);
        Assert.DoesNotContain("of ", cells["cilium+wireguard"].Cells[encrypted].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCaseDirections_RepositorySuite_ReadsCoversHeaders()
    {
        var suite = Path.Combine(RepoRoot(), "manifests", "netpol");

        var directions = ReportInputLoader.ReadCaseDirections(suite);

        Assert.Equal(PolicyDirections.Ingress, directions["07-allow-from-pod"]);
        Assert.Equal(PolicyDirections.Egress, directions["32-allow-egress-to-namespace"]);
        Assert.Equal(PolicyDirections.Ingress | PolicyDirections.Egress, directions["03-deny-all-both"]);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "manifests", "netpol")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no checkout above " + AppContext.BaseDirectory);
    }
}
