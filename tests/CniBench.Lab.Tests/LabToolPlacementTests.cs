using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;

namespace CniBench.Lab.Tests;

public sealed class LabToolPlacementTests
{
    private static readonly ProcessResult Done = new(0, "", "", TimeSpan.Zero);

    private static LabWorkloadHost Pod(string name, IProcessRunner runner) =>
        new(name, name[..2], IPAddress.Parse("198.19.1.2"), 1500, runner, $"cnb-test-{name}");

    private static async Task<IReadOnlyList<string>> ArgvOfBothAsync(PlacedEndpoints placed, FakeProcessRunner host)
    {
        await placed.Client.Runner.RunAsync(new ProcessSpec("iperf3", ["-c", "198.19.2.2"]), TestContext.Current.CancellationToken);
        await placed.Server.Runner.RunAsync(new ProcessSpec("ip", ["link"]), TestContext.Current.CancellationToken);
        return [.. host.Calls.Select(c => c.ToString())];
    }

    [Fact]
    public async Task Place_SeparateOnTwoCpus_RunsTheServerOnTheFirstAndTheClientOnTheSecondInsideTheirNamespaces()
    {
        var host = new FakeProcessRunner(_ => Done);
        var placed = new LabToolPlacement(host, [2, 3]).Place(Pod("n1-p1", host), Pod("n2-p1", host), new ToolPlacementSpec(CpuPinningMode.Separate, 0));

        Assert.Equal(
            ["taskset --cpu-list 3 ip netns exec cnb-test-n1-p1 iperf3 -c 198.19.2.2", "taskset --cpu-list 2 ip netns exec cnb-test-n2-p1 ip link"],
            await ArgvOfBothAsync(placed, host));
        Assert.Equal("client on CPU 3, server on CPU 2 (taskset)", placed.Placement);
    }

    [Fact]
    public async Task Place_SharedWithNice_RunsBothOnTheFirstCpuAtThatNiceness()
    {
        var host = new FakeProcessRunner(_ => Done);
        var placed = new LabToolPlacement(host, [0, 1]).Place(Pod("n1-p1", host), Pod("n2-p1", host), new ToolPlacementSpec(CpuPinningMode.Shared, -10));

        Assert.Equal(
        [
            "taskset --cpu-list 0 nice -n -10 ip netns exec cnb-test-n1-p1 iperf3 -c 198.19.2.2",
            "taskset --cpu-list 0 nice -n -10 ip netns exec cnb-test-n2-p1 ip link",
        ],
            await ArgvOfBothAsync(placed, host));
        Assert.Equal("client and server on CPU 0 (taskset); nice -10", placed.Placement);
    }

    [Fact]
    public async Task Place_NiceWithoutPinning_OnlyRaisesThePriority()
    {
        var host = new FakeProcessRunner(_ => Done);
        var placed = new LabToolPlacement(host, [0, 1]).Place(Pod("n1-p1", host), Pod("n2-p1", host), new ToolPlacementSpec(CpuPinningMode.Off, -5));

        Assert.Equal("nice -n -5 ip netns exec cnb-test-n1-p1 iperf3 -c 198.19.2.2", (await ArgvOfBothAsync(placed, host))[0]);
        Assert.Equal("not pinned; nice -5", placed.Placement);
    }

    [Fact]
    public void Place_SeparateOnOneCpu_LeavesTheEndpointsAndSaysWhy()
    {
        var host = new FakeProcessRunner(_ => Done);
        var (client, server) = (Pod("n1-p1", host), Pod("n2-p1", host));

        var placed = new LabToolPlacement(host, [0]).Place(client, server, new ToolPlacementSpec(CpuPinningMode.Separate, 0));

        Assert.Same(client, placed.Client);
        Assert.Same(server, placed.Server);
        Assert.Equal("not pinned: separate CPUs asked, the host has 1 CPU for this process", placed.Placement);
    }

    [Fact]
    public void Place_PlacedEndpoints_KeepTheirNameNodeAndAddress()
    {
        var host = new FakeProcessRunner(_ => Done);
        var client = Pod("n1-p1", host);

        var placed = new LabToolPlacement(host, [0, 1]).Place(client, Pod("n2-p1", host), new ToolPlacementSpec(CpuPinningMode.Separate, 0));

        Assert.Equal((client.Name, client.NodeName, client.Address), (placed.Client.Name, placed.Client.NodeName, placed.Client.Address));
    }
}
