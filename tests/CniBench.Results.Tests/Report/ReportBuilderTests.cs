using CniBench.Core.Measurements;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Results.Tests.Report;

public sealed class ReportBuilderTests
{
    private static Measurement Row(string test, string topology, string metric, double value, string unit) => new()
    {
        RunId = "r1",
        Provider = "lab",
        Cni = "calico",
        Test = test,
        Variant = "v",
        Topology = topology,
        Repetition = 1,
        Metric = metric,
        Value = value,
        Unit = unit,
        Timestamp = DateTimeOffset.UnixEpoch,
    };

    private static ReportDocument Build(params Measurement[] rows) => ReportBuilder.Build(new ReportInput
    {
        RunDirectory = "/nonexistent/r1",
        Measurements = rows,
        Summary = SummaryBuilder.Build(rows),
        Metrics = TestKinds.Metrics,
    });

    private static ReportSection Ingress(ReportDocument document) => Assert.Single(document.Sections, s => s.Id == ReportBuilder.IngressId);

    [Fact]
    public void Build_TestOfAnyNameThatMeasuredRequests_IsInTheHttpAndIngressSectionWithAllItsRows()
    {
        // The section is chosen by what a test measured (wrk's requests and latencies), not by the test's name.
        var document = Build(
            Row("web-load", Topologies.CrossNode, Metrics.RequestsPerSecond, 5000, Metrics.RequestsPerSecondUnit),
            Row("web-load", Topologies.CrossNode, Metrics.HostCpuPercent, 40, Metrics.Percent),
            Row("tcp", Topologies.CrossNode, Metrics.ThroughputBps, 9e9, Metrics.BitsPerSecond));

        var table = Assert.IsType<Table>(Assert.Single(Ingress(document).Blocks, b => b is Table));
        Assert.Equal(
            [Metrics.HostCpuPercent, Metrics.RequestsPerSecond],
            table.Rows.Select(r => r[4].Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_NoLoadMeasured_HasNoHttpAndIngressSection()
    {
        var document = Build(Row("tcp", Topologies.CrossNode, Metrics.ThroughputBps, 9e9, Metrics.BitsPerSecond));

        Assert.DoesNotContain(document.Sections, s => s.Id == ReportBuilder.IngressId);
    }
}
