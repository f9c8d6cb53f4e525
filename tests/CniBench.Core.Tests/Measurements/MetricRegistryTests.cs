using System.Reflection;
using CniBench.Core.Measurements;

namespace CniBench.Core.Tests.Measurements;

public sealed class MetricRegistryTests
{
    [Fact]
    public void All_EveryMetricNameConstant_IsDeclaredExactlyOnce()
    {
        var units = new HashSet<string>(StringComparer.Ordinal)
        {
            Metrics.BitsPerSecond, Metrics.Count, Metrics.Milliseconds, Metrics.Microseconds, Metrics.Percent,
            Metrics.Seconds, Metrics.Cores, Metrics.Bytes, Metrics.RequestsPerSecondUnit, Metrics.Bool,
            Metrics.TransactionsPerSecondUnit, Metrics.ConnectionsPerSecondUnit, Metrics.PacketsPerSecondUnit,
        };
        var names = typeof(Metrics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => !units.Contains(v))
            .ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), MetricRegistry.All.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Equal(MetricRegistry.All.Count, MetricRegistry.All.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(MetricRegistry.Criteria.TcpThroughput, Metrics.ThroughputBps)]
    [InlineData(MetricRegistry.Criteria.EncryptedThroughput, Metrics.ThroughputBps)]
    [InlineData(MetricRegistry.Criteria.Http, Metrics.RequestsPerSecond)]
    [InlineData(MetricRegistry.Criteria.CpuPerGbit, Metrics.DatapathCpuCoresPerGbps)]
    [InlineData(MetricRegistry.Criteria.PolicyIngress, Metrics.CasePass)]
    [InlineData(MetricRegistry.Criteria.PolicyEgress, Metrics.CasePass)]
    [InlineData(MetricRegistry.Criteria.EncryptionVerified, Metrics.WirePlaintextSeen)]
    [InlineData(MetricRegistry.Criteria.Mtu, Metrics.PathMtuBytes)]
    [InlineData(MetricRegistry.Criteria.RrLatency, Metrics.LatencyP50Us)]
    [InlineData(MetricRegistry.Criteria.CrrRate, Metrics.ConnectionsPerSecond)]
    public void Feeding_EachCriterion_IsFedByTheOneMetricThatDeclaresIt(string criterion, string metric)
    {
        Assert.Equal([metric], MetricRegistry.Feeding(criterion));
    }

    [Fact]
    public void Feeding_UdpThroughput_IsFedByFixedRateThroughputAndCapacity()
    {
        Assert.Equal([Metrics.ThroughputBps, Metrics.UdpCapacityBps], MetricRegistry.Feeding(MetricRegistry.Criteria.UdpThroughput));
    }

    [Theory]
    [InlineData(Metrics.ThroughputBps, MetricDirection.HigherIsBetter)]
    [InlineData(Metrics.LatencyP99Ms, MetricDirection.LowerIsBetter)]
    [InlineData(Metrics.HostCpuCoresPerGbps, MetricDirection.LowerIsBetter)]
    [InlineData(Metrics.ChurnRequestsPerSecond, MetricDirection.HigherIsBetter)]
    [InlineData(Metrics.PathMtuBytes, MetricDirection.None)]
    [InlineData(Metrics.HostCpuUserSeconds, MetricDirection.None)]
    public void DirectionOf_DeclaredMetric_IsItsDeclaration(string metric, MetricDirection expected)
    {
        Assert.Equal(expected, MetricRegistry.DirectionOf(metric));
    }

    [Theory]
    [InlineData("made_up_latency_ms")]
    [InlineData("some_cpu_percent")]
    [InlineData("widgets_rps")]
    public void DirectionOf_UndeclaredMetric_HasNoDirectionWhateverItsName(string metric)
    {
        // Names used to be read for hints ("latency", "cpu", "_ms", "_rps"); a declaration is the only source now.
        Assert.Equal(MetricDirection.None, MetricRegistry.DirectionOf(metric));
        Assert.Equal(metric, MetricRegistry.TitleOf(metric));
    }
}
