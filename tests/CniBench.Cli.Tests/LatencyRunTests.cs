using CniBench.Core.Measurements;
using CniBench.Processes;
using CniBench.Results;
using CniBench.Workloads.Crr;

namespace CniBench.Cli.Tests;

/// <summary>
/// rr and crr on a real small lab through the CLI: every row ok, sane figures (a round trip between microseconds and
/// a second, transactions/s consistent with it, conntrack entries for the connections through a Service, no TIME_WAIT
/// socket carried into crr's second repetition), and nothing left behind.
/// </summary>
[Collection(LabRunCollection.Name)]
public sealed class LatencyRunTests : IDisposable
{
    private const string Scenario = """
        name: latency-it
        provider: lab
        cnis: [calico]
        underlay: true
        repetitions: 1
        lab: { nodes: 2, podsPerNode: 1, mtu: 1500 }
        tests:
          - test: rr
            duration: 1s
            protocols: [tcp, udp]
            messageSizes: [14B]
            flows: [1, 2]
            topologies: [cross-node, pod-to-service]
          - test: crr
            connections: 300
            flows: [1]
            topologies: [cross-node, pod-to-service]
            repetitions: 2
        """;

    private readonly TempFolder _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_RrAndCrrOnASmallLab_EveryRowOkWithSaneFigures()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: the run builds network-namespace labs");
        }

        foreach (var (tool, package) in new[] { ("sockperf", "sockperf"), ("iperf", "iperf"), ("conntrack", "conntrack"), ("ip", "iproute2") })
        {
            if (ToolPackages.Which(tool) is null)
            {
                Assert.Skip($"rr and crr need {tool} (apt-get install {package})");
            }
        }

        var output = _temp.Folder("results");
        var scenario = _temp.WriteFile("latency.yaml", Scenario);
        await using var cli = CliProcess.Start(
            new CliProcessOptions { WorkingDirectory = _temp.Path, OnFreshRun = true },
            ["run", scenario, "--out", output, "--manifests", TestPaths.ManifestsDirectory]);

        var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(240), Token);

        Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{cli.Output}");
        var runDirectory = Assert.Single(Directory.GetDirectories(output));
        var rows = MeasurementCsvReader.Read(Path.Combine(runDirectory, RunFolder.MeasurementsCsv));
        Assert.DoesNotContain(rows, r => r.Status != MeasurementStatus.Ok);

        // rr: 4 variants on the underlay (cross-node) and on calico (cross-node and through the Service).
        var rr = rows.Where(r => r.Test == "rr").ToList();
        Assert.Equal(12, rr.Select(r => r.Key).Distinct().Count());
        foreach (var measurement in rr.GroupBy(r => r.Key))
        {
            var m = measurement.ToDictionary(r => r.Metric, r => r.Value!.Value);
            Assert.InRange(m[Metrics.LatencyP50Us], 1, 1_000_000);
            Assert.True(m[Metrics.LatencyP50Us] <= m[Metrics.LatencyP99Us] && m[Metrics.LatencyP99Us] <= m[Metrics.LatencyMaxUs], measurement.Key.ToString());
            // One message in flight per flow: a flow cannot complete more transactions than its median round trip allows, twice over.
            var flows = measurement.Key.Variant.Contains("2-flows", StringComparison.Ordinal) ? 2 : 1;
            Assert.InRange(m[Metrics.TransactionsPerSecond], 10, 2 * flows * 1e6 / m[Metrics.LatencyP50Us]);
            Assert.True(File.Exists(Path.Combine(runDirectory, measurement.First().RawFile!)), measurement.First().RawFile);
        }

        var crr = rows.Where(r => r.Test == "crr" && r.Repetition == 1).GroupBy(r => r.Key).ToDictionary(g => g.Key.Cni + "/" + g.Key.Topology, g => g.ToDictionary(r => r.Metric, r => r.Value!.Value));
        Assert.Equal(["calico/cross-node", "calico/pod-to-service", "underlay/cross-node"], crr.Keys.Order(StringComparer.Ordinal));
        Assert.All(crr.Values, m => Assert.InRange(m[Metrics.ConnectionsPerSecond], 10, 1_000_000));
        // Every connection through the Service is NATed on the client's node, so conntrack holds an entry for each (flushed before).
        Assert.InRange(crr["calico/pod-to-service"][CrrMetrics.ConntrackEntriesAfter], 300, 1000);
        Assert.True(crr["calico/pod-to-service"][CrrMetrics.ConntrackEntriesBefore] < 300);

        // The first repetition's 300 connections leave TIME_WAIT sockets for 60 s; the second starts without them.
        var second = rows.Where(r => r.Test == "crr" && r.Repetition == 2).ToList();
        Assert.Equal(3, second.Select(r => r.Key).Distinct().Count());
        Assert.All(second.Where(r => r.Metric == CrrMetrics.TimeWaitAtStart), r => Assert.Equal(0, r.Value));
        var raw = File.ReadAllText(Path.Combine(runDirectory, second.First(r => r.Key.Cni == "underlay").RawFile!));
        Assert.Matches(@"TIME_WAIT sockets on \S+ to [0-9.]+:5001: [1-9][0-9]* inherited, 0 at start after ss -K\n", raw);
        Assert.DoesNotContain("left behind", cli.Output, StringComparison.Ordinal);
    }
}
