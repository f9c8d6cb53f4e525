using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Rr;

/// <summary>Request/response latency and rate over TCP or UDP (sockperf ping-pong), with 1 or N concurrent flows.</summary>
public sealed class RrKind(SockperfDriver driver) : ITestKind
{
    public string Name => RrTestSpec.Name;

    public string PrimaryMetric => Core.Measurements.Metrics.LatencyP50Us;

    /// <summary>Every flow's port, over TCP and UDP: a Service forwards the ports of the most flows a scenario may ask for.</summary>
    public IReadOnlyList<ServicePort> ServicePorts { get; } =
    [
        .. Enumerable.Range(0, LatencySettings.MaxFlows).SelectMany(i => new[] { ServicePort.Tcp(SockperfTool.PortOf(i)), ServicePort.Udp(SockperfTool.PortOf(i)) }),
    ];

    public Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var planned = invocation.Planned;
        if (planned.Variant.ParametersAs<RrVariant>() is not { } variant)
        {
            return Task.FromResult(TestOutcome.Failed($"rr variant '{planned.Variant.Name}' carries no protocol, size or flows"));
        }

        var percentiles = planned.Test.SettingsAs<RrTestSpec>().Percentiles;
        return driver.RunAsync(new RrRequest(variant, planned.Test.Duration, percentiles), invocation.Client, invocation.Server, invocation.Target, invocation.Sink, invocation.RawPath, cancellationToken);
    }
}
