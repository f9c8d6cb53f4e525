using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Udp;

/// <summary>UDP at a fixed offered rate (receiver throughput, jitter and loss), or the capacity search (<see cref="UdpCapacitySearch"/>).</summary>
public sealed class UdpKind(Iperf3Driver driver) : ITestKind
{
    public const string TestName = "udp";

    public string Name => TestName;

    /// <summary>iperf3 runs with --repeating-payload, whose digits the lab's wire check looks for.</summary>
    public bool SendsPlaintextMarker => true;

    /// <summary>The server's port over TCP (iperf3's control connection) and over UDP (its data, sent to the same port number).</summary>
    public IReadOnlyList<ServicePort> ServicePorts => [ServicePort.Tcp(driver.Options.Port), ServicePort.Udp(driver.Options.Port)];

    public Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var variant = invocation.Planned.Variant;
        if (variant.ParametersAs<UdpCapacitySpec>() is { } capacity)
        {
            return WithPacketRateAsync(
                UdpCapacitySearch.RunAsync(capacity, (offered, number, token) => ProbeAsync(invocation, capacity, offered, number, token), cancellationToken),
                PayloadOf(invocation), Core.Measurements.Metrics.UdpCapacityBps, UdpMetrics.UdpCapacityPps);
        }

        // Without -b iperf3 offers 1 Mbit/s, a figure that would look like a result but measure nothing.
        if (variant.BitrateBps is not { } bitrate)
        {
            return Task.FromResult(TestOutcome.Failed($"udp variant '{variant.Name}' has no bitrate"));
        }

        var request = new Iperf3Request
        {
            Duration = invocation.Planned.Test.Duration,
            Warmup = invocation.Planned.Test.Warmup,
            Streams = variant.Streams,
            UdpBitrateBps = bitrate,
            UdpPayloadBytes = PayloadOf(invocation),
        };
        return WithPacketRateAsync(
            driver.RunAsync(request, invocation.Client, invocation.Server, invocation.Target, invocation.Sink, invocation.RawPath, cancellationToken),
            PayloadOf(invocation), Core.Measurements.Metrics.ThroughputBps, Core.Measurements.Metrics.PacketsPerSecond);
    }

    /// <summary>The test's own datagram payload (the small-packet rate), or null for iperf3's default.</summary>
    private static long? PayloadOf(TestInvocation invocation) => invocation.Planned.Test.SettingsAs<UdpTestSpec>().PayloadBytes;

    /// <summary>
    /// With a payload of its own (the small-packet rate), the rate in datagrams per second too: iperf3 counts payload
    /// bits, so bits / (8 × payload) is the datagrams that arrived.
    /// </summary>
    private static async Task<TestOutcome> WithPacketRateAsync(Task<TestOutcome> run, long? payload, string bitsMetric, string packetsMetric)
    {
        var outcome = await run;
        if (payload is not { } bytes || outcome.Status != Core.Measurements.MeasurementStatus.Ok
            || outcome.Observations.FirstOrDefault(o => o.Metric == bitsMetric) is not { } bits)
        {
            return outcome;
        }

        return outcome with { Observations = [.. outcome.Observations, new(packetsMetric, bits.Value / (8.0 * bytes), Core.Measurements.Metrics.PacketsPerSecondUnit)] };
    }

    /// <summary>One short fixed-rate run of the search; each keeps its own raw file (<c>…-probe3.json</c>).</summary>
    private async Task<(UdpProbe?, TestOutcome?)> ProbeAsync(TestInvocation invocation, UdpCapacitySpec capacity, long offered, int number, CancellationToken cancellationToken)
    {
        var request = new Iperf3Request
        {
            Duration = capacity.ProbeDuration,
            Streams = invocation.Planned.Variant.Streams,
            UdpBitrateBps = offered,
            UdpPayloadBytes = PayloadOf(invocation),
        };
        var rawPath = invocation.RawPath.EndsWith(".json", StringComparison.Ordinal)
            ? $"{invocation.RawPath[..^".json".Length]}-probe{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}.json"
            : $"{invocation.RawPath}-probe{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var outcome = await driver.RunAsync(request, invocation.Client, invocation.Server, invocation.Target, invocation.Sink, rawPath, cancellationToken);
        if (outcome.Status != Core.Measurements.MeasurementStatus.Ok)
        {
            return (null, outcome with { Reason = $"udp capacity probe {number.ToString(System.Globalization.CultureInfo.InvariantCulture)} at {Quantities.FormatBitrate(offered)}: {outcome.Reason}" });
        }

        double Value(string metric) => outcome.Observations.First(o => o.Metric == metric).Value;
        return (new UdpProbe(offered, Value(Core.Measurements.Metrics.ThroughputBps), Value(Core.Measurements.Metrics.LostPercent), Value(Core.Measurements.Metrics.JitterMs), outcome.RawFile), null);
    }
}
