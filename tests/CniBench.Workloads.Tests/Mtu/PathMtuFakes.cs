using System.Globalization;
using CniBench.Core.Processes;
using CniBench.Workloads.Mtu;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Mtu;

/// <summary>A scripted ping: replies to packets up to a path MTU and stays silent above it, as a real path does.</summary>
internal static class PathMtuFakes
{
    public static FakeProcessRunner PathOf(int pathMtuBytes) => new()
    {
        OnRun = (spec, _) => Task.FromResult(PacketBytes(spec) <= pathMtuBytes
            ? new ProcessResult(0, "1 packets transmitted, 1 received, 0% packet loss", "", TimeSpan.FromMilliseconds(1))
            : new ProcessResult(1, "1 packets transmitted, 0 received, 100% packet loss", "", TimeSpan.FromSeconds(1))),
    };

    /// <summary>The IPv4 packet size a ping argv asks for: its -s payload plus the headers.</summary>
    public static int PacketBytes(ProcessSpec spec)
    {
        var args = spec.Arguments.ToList();
        return int.Parse(args[args.IndexOf("-s") + 1], CultureInfo.InvariantCulture) + PingTool.Ipv4IcmpOverheadBytes;
    }
}
