using CniBench.Cli.Console;
using CniBench.Core.Measurements;
using CniBench.Results;
using Spectre.Console;

namespace CniBench.Cli.Tests;

public sealed class ResultsTableTests
{
    private static Measurement Row(string cni, string test, string variant, string topology, int rep, double bps) => new()
    {
        RunId = "r",
        Provider = "lab",
        Cni = cni,
        Test = test,
        Variant = variant,
        Topology = topology,
        Repetition = rep,
        Metric = Metrics.ThroughputBps,
        Value = bps,
        Unit = Metrics.BitsPerSecond,
    };

    [Fact]
    public void Build_ManyCnis_OneTablePerTestWithARowPerCniAndFullNames()
    {
        var rows = new List<Measurement>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            rows.Add(Row(Underlay.Name, "tcp", "1-stream", Topologies.CrossNode, rep, 10e9));
            foreach (var cni in new[] { "calico", "calico+wireguard", "flannel+host-gw" })
            {
                rows.Add(Row(cni, "tcp", "1-stream", Topologies.CrossNode, rep, 5e9));
                rows.Add(Row(cni, "tcp", "1-stream", Topologies.PodToService, rep, 4e9));
                rows.Add(Row(cni, "udp", "1G", Topologies.CrossNode, rep, 9e8));
            }
        }

        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 120;

        console.Write(ResultsTable.Build(SummaryBuilder.Build(rows)));
        var text = writer.ToString();

        Assert.Contains("tcp throughput", text, StringComparison.Ordinal);
        Assert.Contains("udp throughput", text, StringComparison.Ordinal);
        Assert.Contains("calico+wireguard", text, StringComparison.Ordinal);
        Assert.Contains("flannel+host-gw", text, StringComparison.Ordinal);
        Assert.Contains("pod-to-service", text, StringComparison.Ordinal);
        Assert.Contains("50%", text, StringComparison.Ordinal);
    }
}
