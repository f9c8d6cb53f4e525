using System.Reflection;
using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Runs;
using CniBench.Workloads.Ingress;

namespace CniBench.Core.Tests.Measurements;

public sealed class MetricRegistryTests
{
    private static readonly HashSet<string> Units = new(StringComparer.Ordinal)
    {
        Metrics.BitsPerSecond, Metrics.Count, Metrics.Milliseconds, Metrics.Microseconds, Metrics.Percent,
        Metrics.Seconds, Metrics.Cores, Metrics.Bytes, Metrics.RequestsPerSecondUnit, Metrics.Bool,
        Metrics.TransactionsPerSecondUnit, Metrics.ConnectionsPerSecondUnit, Metrics.PacketsPerSecondUnit,
    };

    /// <summary>
    /// Every metric name a kind, the orchestrator or a provider writes: producers write only these constants, the ones
    /// of <see cref="Metrics"/> and those a kind keeps beside its declarations (the static class in the kind's
    /// namespace that holds its <see cref="MetricDeclarations"/>).
    /// </summary>
    private static List<string> WrittenNames()
    {
        var kindClasses = TestKinds.All
            .SelectMany(k => k.GetType().Assembly.GetTypes().Where(t => t.Namespace == k.GetType().Namespace))
            .Where(t => t is { IsAbstract: true, IsSealed: true }
                && t.GetProperties(BindingFlags.Public | BindingFlags.Static).Any(p => p.PropertyType == typeof(MetricDeclarations)));
        return [.. kindClasses.Prepend(typeof(Metrics))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => !Units.Contains(v))];
    }

    /// <summary>Each declaration with who made it: the shared metrics, or the kind by its test name.</summary>
    private static List<(string By, MetricDefinition Metric)> Declarations() =>
        [
            .. SharedMetrics.Declarations.Metrics.Select(m => ("shared", m)),
            .. TestKinds.All.SelectMany(k => k.Metrics.Metrics.Select(m => (k.Name, m))),
        ];

    [Fact]
    public void Metrics_EveryWrittenName_IsDeclaredExactlyOnceAcrossTheKindsAndTheSharedMetrics()
    {
        var declared = Declarations();

        Assert.Empty(declared.GroupBy(d => d.Metric.Name, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.By))}"));
        Assert.Equal(WrittenNames().Order(StringComparer.Ordinal), declared.Select(d => d.Metric.Name).Order(StringComparer.Ordinal));
        Assert.Equal(declared.Count, TestKinds.Metrics.All.Count);
    }

    [Fact]
    public void Metrics_EveryDeclaration_HasADirectionAUnitAndATitle()
    {
        Assert.All(TestKinds.Metrics.All, m =>
        {
            Assert.True(Enum.IsDefined(m.Direction), $"{m.Name} has no direction");
            Assert.False(string.IsNullOrWhiteSpace(m.Unit), $"{m.Name} has no unit");
            Assert.False(string.IsNullOrWhiteSpace(m.Title), $"{m.Name} has no title");
        });
    }

    [Fact]
    public void Metrics_EveryDeclaredUnit_IsOneOfTheUnitsProducersWrite()
    {
        Assert.All(TestKinds.Metrics.All, m => Assert.Contains(m.Unit, Units));
    }

    [Fact]
    public void Constructor_MetricDeclaredByTwoKinds_FailsNamingBoth()
    {
        var twice = new MetricDeclarations([new("widgets_per_second", Metrics.Count, MetricDirection.HigherIsBetter, "Widgets")]);

        var error = Assert.Throws<ArgumentException>(() => new MetricRegistry(MetricDeclarations.None, [KeyValuePair.Create("a", twice), KeyValuePair.Create("b", twice)]));

        Assert.Contains("widgets_per_second is declared 2 times (a, b)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MetricDeclaredByAKindAndTheSharedMetrics_Fails()
    {
        var again = new MetricDeclarations([new(Metrics.ThroughputBps, Metrics.BitsPerSecond, MetricDirection.HigherIsBetter, "Throughput")]);

        var error = Assert.Throws<ArgumentException>(() => new MetricRegistry(SharedMetrics.Declarations, [KeyValuePair.Create("tcp", again)]));

        Assert.Contains($"{Metrics.ThroughputBps} is declared 2 times (the shared metrics, tcp)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CriterionOnAnUndeclaredMetric_Fails()
    {
        var kind = new MetricDeclarations([]) { Criteria = [new(ReportCriteria.Mtu, "made_up_bytes")] };

        var error = Assert.Throws<ArgumentException>(() => new MetricRegistry(MetricDeclarations.None, [KeyValuePair.Create("mtu", kind)]));

        Assert.Contains("criterion mtu of mtu names made_up_bytes, which no kind declares", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string> SingleFeeds => new()
    {
        { ReportCriteria.TcpThroughput, "tcp", Metrics.ThroughputBps },
        { ReportCriteria.EncryptedThroughput, "tcp", Metrics.ThroughputBps },
        { ReportCriteria.Http, null, Metrics.RequestsPerSecond },
        { ReportCriteria.PolicyIngress, "netpol", Metrics.CasePass },
        { ReportCriteria.PolicyEgress, "netpol", Metrics.CasePass },
        { ReportCriteria.EncryptionVerified, null, Metrics.WirePlaintextSeen },
        { ReportCriteria.Mtu, "mtu", Metrics.PathMtuBytes },
        { ReportCriteria.RrLatency, "rr", Metrics.LatencyP50Us },
        { ReportCriteria.CrrRate, "crr", Metrics.ConnectionsPerSecond },
    };

    [Theory]
    [MemberData(nameof(SingleFeeds))]
    public void Feeding_Criterion_IsFedByTheMetricOfTheKindThatDeclaresIt(string criterion, string? test, string metric)
    {
        var feed = Assert.Single(TestKinds.Metrics.Feeding(criterion));

        Assert.Equal((test, metric, (string?)null), (feed.Test, feed.Metric, feed.VariantPrefix));
    }

    [Fact]
    public void Feeding_UdpThroughput_PrefersCapacityOverFixedRateThroughput()
    {
        Assert.Equal(
            [("udp", Metrics.UdpCapacityBps), ("udp", Metrics.ThroughputBps)],
            TestKinds.Metrics.Feeding(ReportCriteria.UdpThroughput).Select(f => (f.Test, f.Metric)));
    }

    [Fact]
    public void Feeding_CpuPerGbit_PrefersThePacedTcpVariants()
    {
        Assert.Equal(
            [("tcp", "paced-"), ("tcp", null)],
            TestKinds.Metrics.Feeding(ReportCriteria.CpuPerGbit).Select(f => (f.Test, f.VariantPrefix)));
    }

    [Fact]
    public void Feeding_EveryReportCriterion_IsFedByAKindOrTheSharedMetrics()
    {
        var criteria = typeof(ReportCriteria).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

        Assert.All(criteria, c => Assert.NotEmpty(TestKinds.Metrics.Feeding(c)));
    }

    [Fact]
    public void Matches_FeedOfAKind_TakesOnlyThatTestsRowsOfItsVariants()
    {
        var paced = Assert.Single(TestKinds.Metrics.Feeding(ReportCriteria.CpuPerGbit), f => f.VariantPrefix is not null);

        Assert.True(paced.Matches("tcp", "paced-200M", Metrics.DatapathCpuCoresPerGbps));
        Assert.False(paced.Matches("tcp", "streams-1", Metrics.DatapathCpuCoresPerGbps));
        Assert.False(paced.Matches("udp", "paced-200M", Metrics.DatapathCpuCoresPerGbps));
        Assert.False(paced.Matches("tcp", "paced-200M", Metrics.HostCpuCoresPerGbps));
    }

    [Fact]
    public void CasesOf_Netpol_PassOnCasePassAndAreScoredByTheScoreVariantWhileOtherKindsHaveNoCases()
    {
        Assert.Equal(new CaseGrading(Metrics.CasePass, "score"), TestKinds.Metrics.CasesOf("netpol"));
        Assert.All(TestKinds.All.Where(k => k.Name != "netpol"), k => Assert.Null(TestKinds.Metrics.CasesOf(k.Name)));
    }

    [Fact]
    public void IsBarCharted_OutcomeKinds_AreKeptOutOfTheBarCharts()
    {
        Assert.Equal(["mtu", "netpol"], TestKinds.All.Select(k => k.Name).Where(n => !TestKinds.Metrics.IsBarCharted(n)).Order(StringComparer.Ordinal));
        Assert.True(TestKinds.Metrics.IsBarCharted("a-test-no-kind-declares"));
    }

    [Theory]
    [InlineData(Metrics.ThroughputBps, MetricDirection.HigherIsBetter)]
    [InlineData(Metrics.LatencyP99Ms, MetricDirection.LowerIsBetter)]
    [InlineData(Metrics.HostCpuCoresPerGbps, MetricDirection.LowerIsBetter)]
    [InlineData(IngressMetrics.ChurnRequestsPerSecond, MetricDirection.HigherIsBetter)]
    [InlineData(Metrics.PathMtuBytes, MetricDirection.None)]
    [InlineData(Metrics.HostCpuUserSeconds, MetricDirection.None)]
    public void DirectionOf_DeclaredMetric_IsItsDeclaration(string metric, MetricDirection expected)
    {
        Assert.Equal(expected, TestKinds.Metrics.DirectionOf(metric));
    }

    [Theory]
    [InlineData("made_up_latency_ms")]
    [InlineData("some_cpu_percent")]
    [InlineData("widgets_rps")]
    [InlineData("cells_wrong_again")]
    public void DirectionOf_UndeclaredMetric_HasNoDirectionWhateverItsName(string metric)
    {
        // Names used to be read for hints ("latency", "cpu", "_ms", "_rps"); a declaration is the only source now.
        Assert.Equal(MetricDirection.None, TestKinds.Metrics.DirectionOf(metric));
        Assert.Equal(metric, TestKinds.Metrics.TitleOf(metric));
    }

    [Fact]
    public void DirectionOf_DeclarationAgainstItsSpelling_IsTheDeclaration()
    {
        // A name that reads like a latency (lower is better) is what its declaration says, and nothing else.
        var kind = new MetricDeclarations([new("made_up_latency_ms", Metrics.Milliseconds, MetricDirection.HigherIsBetter, "Odd")]);
        var registry = new MetricRegistry(MetricDeclarations.None, [KeyValuePair.Create("odd", kind)]);

        Assert.Equal(MetricDirection.HigherIsBetter, registry.DirectionOf("made_up_latency_ms"));
        Assert.Equal("Odd", registry.TitleOf("made_up_latency_ms"));
    }

    [Fact]
    public void Of_TheRegisteredKinds_DeclaresEachKindsOwnMetricsThroughItsDefinition()
    {
        ITestKindDefinition tcp = Assert.Single(TestKinds.All, k => k.Name == "tcp");

        Assert.Contains(tcp.Metrics.Metrics, m => m.Name == Metrics.Retransmits);
        Assert.DoesNotContain(tcp.Metrics.Metrics, m => m.Name == Metrics.ThroughputBps);
    }
}
