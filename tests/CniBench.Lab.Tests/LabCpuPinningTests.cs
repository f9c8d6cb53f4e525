using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Lab.Tests;

public sealed class LabCpuPinningTests
{
    private static readonly ProcessResult Done = new(0, "", "", TimeSpan.Zero);

    private static LabWorkloadHost Pod(string name, IProcessRunner runner) =>
        new(name, name[..2], IPAddress.Parse("198.19.1.2"), 1500, runner, $"cnb-test-{name}");

    [Fact]
    public async Task Pin_TwoCpus_RunsTheServerOnTheFirstAndTheClientOnTheSecondInsideTheirNamespaces()
    {
        var host = new FakeProcessRunner(_ => Done);
        var pinned = new LabCpuPinning(host, [2, 3]).Pin(Pod("n1-p1", host), Pod("n2-p1", host));

        await pinned.Client.Runner.RunAsync(new ProcessSpec("iperf3", ["-c", "198.19.2.2"]), TestContext.Current.CancellationToken);
        await pinned.Server.Runner.RunAsync(new ProcessSpec("ip", ["link"]), TestContext.Current.CancellationToken);

        Assert.Equal(
        [
            "taskset --cpu-list 3 ip netns exec cnb-test-n1-p1 iperf3 -c 198.19.2.2",
            "taskset --cpu-list 2 ip netns exec cnb-test-n2-p1 ip link",
        ],
            host.Calls.Select(c => c.ToString()));
        Assert.Equal("client on CPU 3, server on CPU 2 (taskset)", pinned.Placement);
    }

    [Fact]
    public void Pin_OneCpu_LeavesTheEndpointsAndSaysWhy()
    {
        var host = new FakeProcessRunner(_ => Done);
        var (client, server) = (Pod("n1-p1", host), Pod("n2-p1", host));

        var pinned = new LabCpuPinning(host, [0]).Pin(client, server);

        Assert.Same(client, pinned.Client);
        Assert.Same(server, pinned.Server);
        Assert.Equal("off: the host has 1 CPU for this process", pinned.Placement);
    }

    [Fact]
    public void Pin_PinnedEndpoints_KeepTheirNameNodeAndAddress()
    {
        var host = new FakeProcessRunner(_ => Done);
        var client = Pod("n1-p1", host);

        var pinned = new LabCpuPinning(host, [0, 1]).Pin(client, Pod("n2-p1", host));

        Assert.Equal((client.Name, client.NodeName, client.Address), (pinned.Client.Name, pinned.Client.NodeName, pinned.Client.Address));
    }
}
