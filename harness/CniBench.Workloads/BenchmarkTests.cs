using CniBench.Core.Planning;
using CniBench.Workloads.Http;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Mtu;

namespace CniBench.Workloads;

/// <summary>The test kinds this assembly provides, by the name a scenario uses.</summary>
public static class BenchmarkTests
{
    public static IReadOnlyDictionary<string, IBenchmarkTest> Create(Iperf3DriverOptions? options = null)
    {
        var driver = new Iperf3Driver(options ?? Iperf3DriverOptions.Default);
        IBenchmarkTest[] tests = [new TcpTest(driver), new UdpTest(driver), new MtuTest(), new HttpTest(), new IngressTest(IngressTestOptions.FromRepository())];
        return tests.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }
}
