using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Integration;

/// <summary>Real iperf3 over 127.0.0.1 inside a throwaway namespace; one class so the runs do not compete for the 2 cores.</summary>
public sealed class Iperf3IntegrationTests
{
    private static readonly Iperf3Request OneSecondTcp = new() { Duration = TimeSpan.FromSeconds(1) };

    private readonly RecordingSink _sink = new();
    private readonly Iperf3Driver _driver = new();

    private static void Log(string label, TestOutcome outcome) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{label}: {outcome.Status} {outcome.Reason} {string.Join(", ", outcome.Observations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Metric}={o.Value:G6}")))}");

    private static async Task<TestNamespace> NamespaceAsync()
    {
        if (TestNamespace.WhyUnavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        return await TestNamespace.CreateAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RunAsync_RealTcpOverLoopback_ReportsPositiveThroughput()
    {
        await using var ns = await NamespaceAsync();

        var outcome = await _driver.RunAsync(OneSecondTcp, ns.Host("client"), ns.Host("server"), _sink, "raw/tcp.json", TestContext.Current.CancellationToken);
        Log("tcp", outcome);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.True(observations[Metrics.ThroughputBps] > 1e6, $"throughput {observations[Metrics.ThroughputBps]} bit/s");
        Assert.True(observations[Metrics.Retransmits] >= 0);
        Assert.Contains("\"sum_received\"", _sink.RawFiles["raw/tcp.json"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RealUdpAtBitrate_ReportsJitterAndLoss()
    {
        await using var ns = await NamespaceAsync();
        var request = OneSecondTcp with { UdpBitrateBps = 100_000_000 };

        var outcome = await _driver.RunAsync(request, ns.Host("client"), ns.Host("server"), _sink, "raw/udp.json", TestContext.Current.CancellationToken);
        Log("udp", outcome);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.InRange(observations[Metrics.ThroughputBps], 1e6, 2e8);
        Assert.True(observations[Metrics.JitterMs] >= 0);
        Assert.InRange(observations[Metrics.LostPercent], 0, 100);
    }

    [Fact]
    public async Task RunAsync_ServerKilledMidTest_FailsAndNextMeasurementWorks()
    {
        await using var ns = await NamespaceAsync();
        var token = TestContext.Current.CancellationToken;
        var request = new Iperf3Request { Duration = TimeSpan.FromSeconds(4) };

        var running = _driver.RunAsync(request, ns.Host("client"), ns.Host("server"), _sink, "raw/killed.json", token);
        await Task.Delay(TimeSpan.FromSeconds(1), token);
        var server = await FindServerAsync(ns, token);
        TestNamespace.KillQuietly(server);
        var outcome = await running;
        Log("killed", outcome);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Matches("(?i)server|connection", outcome.Reason);
        // The client aborted the test itself (its JSON carries an error, which the reason quotes) instead of the driver
        // waiting out the client's timeout: the failure shows as soon as iperf3 sees the server go, not at the test's end.
        Assert.StartsWith("iperf3: ", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("did not finish within", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("\"error\"", _sink.RawFiles["raw/killed.json"], StringComparison.Ordinal);

        var next = await _driver.RunAsync(OneSecondTcp, ns.Host("client"), ns.Host("server"), _sink, "raw/next.json", token);
        Log("next", next);
        Assert.True(next.Status == MeasurementStatus.Ok, next.Reason);
    }

    private static async Task<int> FindServerAsync(TestNamespace ns, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            foreach (var pid in await ns.PidsAsync(cancellationToken))
            {
                var commandLine = TestNamespace.CommandLine(pid);
                if (commandLine.Contains("iperf3", StringComparison.Ordinal) && commandLine.Contains(" -s ", StringComparison.Ordinal))
                {
                    return pid;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new InvalidOperationException($"no iperf3 server found in {ns.Name}");
    }
}
