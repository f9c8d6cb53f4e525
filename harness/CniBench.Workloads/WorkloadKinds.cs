using CniBench.Core.Planning;
using CniBench.Workloads.Http;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Mtu;

namespace CniBench.Workloads;

/// <summary>The test kinds this assembly provides, by the name a scenario uses.</summary>
public static class WorkloadKinds
{
    public static IReadOnlyDictionary<string, ITestKind> Create(Iperf3DriverOptions? options = null)
    {
        var driver = new Iperf3Driver(options ?? Iperf3DriverOptions.Default);
        ITestKind[] tests = [new TcpKind(driver), new UdpKind(driver), new MtuKind(), new HttpKind(), new IngressKind(IngressKindOptions.FromRepository()),
            new Rr.RrKind(new Rr.SockperfDriver(Rr.SockperfDriverOptions.Default)), new Crr.CrrKind(new Crr.CrrDriver(Crr.CrrDriverOptions.Default))];
        return tests.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }
}
