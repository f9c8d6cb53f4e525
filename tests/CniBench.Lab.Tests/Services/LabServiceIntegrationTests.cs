using System.Net;
using System.Text.Json;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Lab.Services;
using CniBench.Processes;

namespace CniBench.Lab.Tests.Services;

/// <summary>Real labs (root), real nft, real iperf3 through a ClusterIP. Every lab is removed even when a test fails.</summary>
public sealed class LabServiceIntegrationTests
{
    private const int Port = 5201;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Routed /32 veths (calico) and a bridge with VXLAN (flannel): both reach a Service backend on another node.</summary>
    [Theory]
    [InlineData("calico")]
    [InlineData("flannel")]
    public async Task ExposeAsync_BackendOnNode2_ClientPodReachesItThroughClusterIpUnSnatedAndDisposalRemovesTheRules(string cni)
    {
        RequireServiceLab();
        var cluster = await new LabProvider(TestSupport.Catalog, TestSupport.NewOptions())
            .CreateAsync(new ClusterRequest(cni, ClusterShape.Default with { PodsPerNode = 1 }), null, Token);
        try
        {
            var client = cluster.Nodes[0].Pods[0];
            var onNode2 = cluster.Nodes[1].Pods[0];
            var onNode3 = cluster.Nodes[2].Pods[0];
            foreach (var node in cluster.Nodes)
            {
                // Before any Service: every node already tracks connections through kube-proxy's base chains.
                Assert.Contains("type nat hook prerouting", await NftAsync(node.HostNetwork, "list", "table", "ip", KubeProxyRuleset.Table), StringComparison.Ordinal);
            }

            var service = await cluster.ExposeAsync(new ServiceRequest("cnb-tcp", [onNode2], [ServicePort.Tcp(Port), ServicePort.Udp(Port)]), Token);
            Assert.Equal(IPAddress.Parse("198.18.96.1"), service.Address);
            foreach (var node in cluster.Nodes)
            {
                Assert.Contains($"table ip {KubeProxyRuleset.Table}", await NftAsync(node.HostNetwork, "list", "tables"), StringComparison.Ordinal);
            }

            var tcp = await RunIperfAsync(client, onNode2, service.Address, udp: false);
            Assert.True(tcp.BitsPerSecond > 0, $"tcp through {service.Address}: {tcp.BitsPerSecond} bit/s");
            // kube-proxy does not SNAT pod-to-Service traffic: the backend sees the client pod's own address.
            Assert.Contains($"Accepted connection from {client.Address},", tcp.ServerOutput, StringComparison.Ordinal);

            var udp = await RunIperfAsync(client, onNode2, service.Address, udp: true);
            Assert.True(udp.BitsPerSecond > 0, $"udp through {service.Address}: {udp.BitsPerSecond} bit/s");

            await service.SetBackendsAsync([onNode3], Token);
            var moved = await RunIperfAsync(client, onNode3, service.Address, udp: false);
            Assert.True(moved.BitsPerSecond > 0, $"tcp to the new backend: {moved.BitsPerSecond} bit/s");
            Assert.Contains($"Accepted connection from {client.Address},", moved.ServerOutput, StringComparison.Ordinal);

            await service.DisposeAsync();
            foreach (var node in cluster.Nodes)
            {
                // The base table stays, as kube-proxy's does on a node with no Service; the Service's own rules are gone.
                var table = await NftAsync(node.HostNetwork, "list", "table", "ip", KubeProxyRuleset.Table);
                Assert.Contains("ct state invalid drop", table, StringComparison.Ordinal);
                Assert.DoesNotContain(service.Address.ToString(), table, StringComparison.Ordinal);
            }

            var afterRemoval = await client.Runner.RunAsync(
                new ProcessSpec("iperf3", ["-c", service.Address.ToString(), "-p", "5201", "-t", "1", "--connect-timeout", "500"]) { Timeout = TimeSpan.FromSeconds(10) },
                Token);
            Assert.False(afterRemoval.Succeeded, "the ClusterIP still answered after its Service was removed");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private sealed record IperfRun(double BitsPerSecond, string ServerOutput);

    private static async Task<IperfRun> RunIperfAsync(IWorkloadHost client, IWorkloadHost server, IPAddress target, bool udp)
    {
        await using var serverProcess = server.Runner.Start(
            new ProcessSpec("iperf3", ["-s", "-1", "-p", "5201", "--forceflush"]) { Timeout = TimeSpan.FromSeconds(20) });
        await serverProcess.WaitForOutputAsync(line => line.Contains("Server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(5), Token);
        string[] args = ["-c", target.ToString(), "-p", "5201", "-t", "1", "-J", "--connect-timeout", "2000", .. udp ? new[] { "-u", "-b", "50M" } : []];
        var run = await client.Runner.RunAsync(new ProcessSpec("iperf3", args) { Timeout = TimeSpan.FromSeconds(15) }, Token);
        Assert.True(run.Succeeded, $"iperf3 {string.Join(' ', args)} from {client.Name}: exit {run.ExitCode}: {run.StandardOutput} {run.StandardError}");
        var finished = await serverProcess.Completion.WaitAsync(TimeSpan.FromSeconds(5), Token);
        using var json = JsonDocument.Parse(run.StandardOutput);
        var end = json.RootElement.GetProperty("end");
        var bitsPerSecond = udp
            ? end.GetProperty("sum").GetProperty("bits_per_second").GetDouble()
            : end.GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
        return new IperfRun(bitsPerSecond, finished.StandardOutput);
    }

    private static async Task<string> NftAsync(IWorkloadHost node, params string[] arguments)
    {
        var result = await node.Runner.RunAsync(new ProcessSpec("nft", arguments) { Timeout = TimeSpan.FromSeconds(10) }, Token);
        Assert.True(result.Succeeded, $"nft {string.Join(' ', arguments)}: {result.StandardError}");
        return result.StandardOutput;
    }

    private static void RequireServiceLab()
    {
        TestSupport.RequireLabHost();
        if (ToolPackages.Which("nft") is null || ToolPackages.Which("iperf3") is null)
        {
            Assert.Skip("service lab tests need nftables (nft) and iperf3");
        }
    }
}
