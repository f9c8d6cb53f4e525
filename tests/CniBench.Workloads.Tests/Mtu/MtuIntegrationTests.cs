using System.Globalization;
using System.Text.Json;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Mtu;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Mtu;

/// <summary>Real ping with DF set across a real veth pair whose MTU the test chooses.</summary>
public sealed class MtuIntegrationTests
{
    private readonly RecordingSink _sink = new();

    private async Task<TestOutcome> MeasureAsync(int clientMtu, int serverMtu)
    {
        if (VethPair.WhyUnavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        var token = TestContext.Current.CancellationToken;
        await using var pair = await VethPair.CreateAsync(clientMtu, serverMtu, token);
        var key = new MeasurementKey("veth", MtuKind.TestName, MtuTestSpec.Variant, Topologies.CrossNode, 1);
        var invocation = new TestInvocation(
            new PlannedMeasurement(key, new TestSpec { Test = MtuKind.TestName, Settings = new MtuTestSpec() }, new TestVariant(MtuTestSpec.Variant, 1)),
            pair.Client,
            pair.Server,
            _sink,
            "raw/mtu.json");

        var outcome = await new MtuKind().RunAsync(invocation, token);

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{pair.Prefix} {clientMtu}/{serverMtu}: {outcome.Status} {outcome.Reason} "
            + string.Join(", ", outcome.Observations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Metric}={o.Value}"))));
        if (_sink.RawFiles.TryGetValue("raw/mtu.json", out var raw))
        {
            using var json = JsonDocument.Parse(raw);
            output?.WriteLine("probes: " + string.Join(" ", json.RootElement.GetProperty("probes").EnumerateArray()
                .Select(p => $"{p.GetProperty("packet_bytes").GetInt32()}:{p.GetProperty("verdict").GetString()}")));
        }

        return outcome;
    }

    [Fact]
    public async Task RunAsync_VethPathOf1450_Finds1450AndNoMismatch()
    {
        var outcome = await MeasureAsync(clientMtu: 1450, serverMtu: 1450);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(1450, observations[Metrics.PathMtuBytes]);
        Assert.Equal(1450, observations[MtuMetrics.PodMtuBytes]);
        Assert.Equal(0, observations[Metrics.MtuMismatch]);
    }

    [Fact]
    public async Task RunAsync_ClientClaims1500OnA1450Path_FindsTheSmallerPathAndFlagsMismatch()
    {
        // The server end drops what exceeds its MTU without a word: the black hole the test exists to catch.
        var outcome = await MeasureAsync(clientMtu: 1500, serverMtu: 1450);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        // A veth accepts MTU + 4 bytes (room for a VLAN tag, is_skb_forwardable), so the real limit is 1450..1454.
        Assert.InRange(observations[Metrics.PathMtuBytes], 1450, 1454);
        Assert.Equal(1500, observations[MtuMetrics.PodMtuBytes]);
        Assert.Equal(1, observations[Metrics.MtuMismatch]);
    }
}
