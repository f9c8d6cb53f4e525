using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Lab.Services;

namespace CniBench.Lab.Tests.Services;

public sealed class LabServiceProxyTests
{
    private const string Node1 = "cnb-3fa2-calico-n1";
    private const string Node2 = "cnb-3fa2-calico-n2";

    private static readonly ProcessResult Ok = new(0, "", "", TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static LabWorkloadHost Pod(string address) =>
        new LabWorkloadHost("p", "n2", IPAddress.Parse(address), 1500, new FakeProcessRunner(_ => Ok), "cnb-3fa2-calico-n2-p1");

    private static ServiceRequest Request(string name, params IWorkloadHost[] backends) =>
        new(name, backends, [ServicePort.Tcp(5201), ServicePort.Udp(5201)]);

    private static List<string?> NftInputs(FakeProcessRunner runner, string node) =>
        [.. runner.Calls.Where(c => c.Arguments.SequenceEqual(["netns", "exec", node, "nft", "-f", "-"])).Select(c => c.StandardInput)];

    [Fact]
    public async Task ExposeAsync_FirstService_GetsFirstClusterIpAndLoadsTheSameRulesetOnEveryNode()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var proxy = new LabServiceProxy([Node1, Node2], runner);

        var service = await proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token);

        Assert.Equal(IPAddress.Parse("198.18.96.1"), service.Address);
        Assert.Equal(2, runner.Calls.Count);
        var expected = KubeProxyRuleset.Render([new LabService(1, "cnb-tcp", service.Address, [ServicePort.Tcp(5201), ServicePort.Udp(5201)], [IPAddress.Parse("198.19.2.2")])]);
        Assert.Equal([expected], NftInputs(runner, Node1));
        Assert.Equal([expected], NftInputs(runner, Node2));
    }

    [Fact]
    public async Task SetBackendsAsync_NewBackends_ReloadsEveryNodeWithOnlyThem()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var proxy = new LabServiceProxy([Node1, Node2], runner);
        var service = await proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token);

        await service.SetBackendsAsync([Pod("198.19.3.2"), Pod("198.19.3.3")], Token);

        var latest = NftInputs(runner, Node2)[^1]!;
        Assert.DoesNotContain("198.19.2.2", latest, StringComparison.Ordinal);
        Assert.Contains("numgen random mod 2", latest, StringComparison.Ordinal);
        Assert.Equal(["198.19.3.2", "198.19.3.3"], service.Backends.Select(b => b.Address.ToString()));
        Assert.Equal(latest, NftInputs(runner, Node1)[^1]);
    }

    [Fact]
    public async Task DisposeAsync_LastService_LeavesTheBaseTableEverywhereAndOnlyOnce()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var proxy = new LabServiceProxy([Node1, Node2], runner);
        var service = await proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token);

        await service.DisposeAsync();
        await service.DisposeAsync();

        Assert.Equal([KubeProxyRuleset.Render([])], NftInputs(runner, Node1).Skip(1));
        Assert.Equal([KubeProxyRuleset.Render([])], NftInputs(runner, Node2).Skip(1));
        Assert.Empty(proxy.Services);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => service.SetBackendsAsync([Pod("198.19.3.2")], Token));
    }

    [Fact]
    public async Task DisposeAsync_OneOfTwo_KeepsTheOtherServiceRules()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var proxy = new LabServiceProxy([Node1], runner);
        var first = await proxy.ExposeAsync(Request("first", Pod("198.19.2.2")), Token);
        var second = await proxy.ExposeAsync(Request("second", Pod("198.19.3.2")), Token);

        await first.DisposeAsync();

        var latest = NftInputs(runner, Node1)[^1]!;
        Assert.Equal(IPAddress.Parse("198.18.96.2"), second.Address);
        Assert.Contains("198.18.96.2 . tcp . 5201 : goto svc2-tcp-5201", latest, StringComparison.Ordinal);
        Assert.DoesNotContain("198.18.96.1 ", latest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExposeAsync_AfterARemoval_DoesNotReuseTheFreedClusterIp()
    {
        var proxy = new LabServiceProxy([Node1], new FakeProcessRunner(_ => Ok));
        var first = await proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token);
        await first.DisposeAsync();

        var next = await proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token);

        Assert.Equal(IPAddress.Parse("198.18.96.2"), next.Address);
    }

    [Fact]
    public async Task ExposeAsync_NftRefusesOnOneNode_ThrowsNamingItAndKeepsNoService()
    {
        var runner = new FakeProcessRunner(spec => spec.Arguments[2] == Node2 ? new ProcessResult(1, "", "Error: syntax error", TimeSpan.Zero) : Ok);
        var proxy = new LabServiceProxy([Node1, Node2], runner);

        var error = await Assert.ThrowsAsync<LabCommandException>(() => proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token));

        Assert.Contains($"nft -f - in {Node2} exited with code 1: Error: syntax error", error.Message, StringComparison.Ordinal);
        Assert.Empty(proxy.Services);
    }

    [Fact]
    public async Task ExposeAsync_DuplicateNameOrNoBackend_ThrowsWithoutRunningNft()
    {
        var runner = new FakeProcessRunner(_ => Ok);
        var proxy = new LabServiceProxy([Node1], runner);
        await proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.2")), Token);

        await Assert.ThrowsAsync<ArgumentException>(() => proxy.ExposeAsync(Request("cnb-tcp", Pod("198.19.2.3")), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => proxy.ExposeAsync(Request("empty"), Token));

        Assert.Single(runner.Calls);
    }
}
