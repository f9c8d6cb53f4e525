using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Tcp;

/// <summary>TCP throughput: one iperf3 run with the variant's stream count, as fast as the path goes or paced to the variant's rate.</summary>
public sealed class TcpKind(Iperf3Driver driver) : ITestKind
{
    public const string TestName = "tcp";

    public string Name => TestName;

    /// <summary>iperf3 runs with --repeating-payload, whose digits the lab's wire check looks for.</summary>
    public bool SendsPlaintextMarker => true;

    /// <summary>The server's port over TCP: iperf3 carries its control connection and TCP data there.</summary>
    public IReadOnlyList<ServicePort> ServicePorts => [ServicePort.Tcp(driver.Options.Port)];

    public Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var request = new Iperf3Request
        {
            Duration = invocation.Planned.Test.Duration,
            Warmup = invocation.Planned.Test.Warmup,
            Streams = invocation.Planned.Variant.Streams,
            TcpPacedBitrateBps = invocation.Planned.Variant.BitrateBps,
        };
        return driver.RunAsync(request, invocation.Client, invocation.Server, invocation.Target, invocation.Sink, invocation.RawPath, cancellationToken);
    }
}
