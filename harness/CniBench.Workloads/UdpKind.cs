using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads;

/// <summary>UDP at a fixed offered rate: receiver throughput, jitter and loss.</summary>
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
        };
        return driver.RunAsync(request, invocation.Client, invocation.Server, invocation.Target, invocation.Sink, invocation.RawPath, cancellationToken);
    }
}
