using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;
using CniBench.Lab.Capture;
using CniBench.Lab.Probes;
using CniBench.Processes;

namespace CniBench.Lab.Tests.Capture;

/// <summary>
/// Real captures in a real lab's switch namespace (root, iperf3). Each test tears its lab down, even on failure.
/// One class, so its tests never run at the same time and the capture thread count is theirs alone.
/// </summary>
[Collection(NetnsThreadTests.Name)]
public sealed class WireSamplerIntegrationTests
{
    private const int Port = 5201;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("flannel", true, 1)]
    [InlineData("flannel", false, 0)]
    [InlineData(Underlay.Name, true, 1)]
    [InlineData("calico+wireguard", true, 0)]
    [InlineData("flannel+wireguard", true, 0)]
    public async Task EndAsync_CrossNodeIperf3_PlaintextSeenOnlyWithRepeatingPayload(string cni, bool repeatingPayload, double expected)
    {
        RequireWireHost();
        if (cni.Contains("wireguard", StringComparison.Ordinal) && (ToolPackages.Which("wg") is null || ToolPackages.Which("wireguard-go") is null))
        {
            Assert.Skip("WireGuard variants need wg (wireguard-tools) and, without the kernel module, wireguard-go");
        }

        await using var lab = await WireLab.CreateAsync(cni, Token);
        var (client, server) = lab.CrossNodePair();

        var window = await lab.Cluster.BeginAsync(new TelemetryRequest([client.NodeName, server.NodeName], PlaintextMarkerSent: true), Token);
        await RunIperf3Async(client, server, repeatingPayload);
        var result = await window.EndAsync(Token);

        Assert.Empty(result.Unsupported);
        var seen = Assert.Single(result.Observations, o => o.Metric == Metrics.WirePlaintextSeen);
        var frames = Assert.Single(result.Observations, o => o.Metric == Metrics.WireFramesSampled);
        Assert.Equal(Metrics.Bool, seen.Unit);
        Assert.Equal(Metrics.Count, frames.Unit);
        Assert.InRange(frames.Value, 50, WireSamplerOptions.Default.MaxFrames);
        var data = Assert.Single(result.Observations, o => o.Metric == Metrics.WireDataFramesSampled);
        Assert.InRange(data.Value, 1, frames.Value);
        Assert.Equal(expected, seen.Value);
        Assert.Equal(0, CaptureThreads());
    }

    [Fact]
    public async Task StopAsync_AfterWindow_LoopEndedAndThreadGone()
    {
        RequireWireHost();
        await using var lab = await WireLab.CreateAsync("flannel", Token);

        await using var sampler = await WireSampler.StartAsync(lab.Cluster.Blueprint.SwitchNamespace, WireMarker.Iperf3RepeatingPayload.ToArray(), WireSamplerOptions.Default, TimeProvider.System, Token);
        Assert.True(sampler.IsRunning);
        Assert.Equal(1, CaptureThreads());
        var sample = await sampler.StopAsync(Token);

        Assert.Equal(WireSampleEnd.Stopped, sample.End);
        Assert.False(sampler.IsRunning);
        Assert.Equal(0, CaptureThreads());
    }

    [Fact]
    public async Task StartAsync_FrameBound_LoopEndsByItselfAtTheBound()
    {
        RequireWireHost();
        await using var lab = await WireLab.CreateAsync("flannel", Token);
        var (client, server) = lab.CrossNodePair();
        var options = WireSamplerOptions.Default with { MaxFrames = 40 };

        await using var sampler = await WireSampler.StartAsync(lab.Cluster.Blueprint.SwitchNamespace, WireMarker.Iperf3RepeatingPayload.ToArray(), options, TimeProvider.System, Token);
        await RunIperf3Async(client, server, repeatingPayload: true);
        // The bound ends the loop during the run, before anyone asks it to stop.
        Assert.False(sampler.IsRunning);
        var sample = await sampler.StopAsync(Token);

        Assert.Equal(WireSampleEnd.FrameLimit, sample.End);
        Assert.Equal(40, sample.FramesSampled);
        Assert.InRange(sample.BytesKept, 40 * 14, 40L * options.SnapBytes);
    }

    [Fact]
    public async Task StartAsync_ByteBound_KeepsNoMoreThanMaxBytes()
    {
        RequireWireHost();
        await using var lab = await WireLab.CreateAsync("flannel", Token);
        var (client, server) = lab.CrossNodePair();
        var options = WireSamplerOptions.Default with { SnapBytes = 256, MaxBytes = 256 * 30 };

        await using var sampler = await WireSampler.StartAsync(lab.Cluster.Blueprint.SwitchNamespace, WireMarker.Iperf3RepeatingPayload.ToArray(), options, TimeProvider.System, Token);
        await RunIperf3Async(client, server, repeatingPayload: true);
        var sample = await sampler.StopAsync(Token);

        Assert.Equal(WireSampleEnd.ByteLimit, sample.End);
        Assert.InRange(sample.BytesKept, options.MaxBytes - options.SnapBytes + 1, options.MaxBytes);
        Assert.InRange(sample.FramesSampled, 30, options.MaxFrames);
        Assert.Equal(0, CaptureThreads());
    }

    private static void RequireWireHost()
    {
        TestSupport.RequireLabHost();
        if (ToolPackages.Which("iperf3") is null)
        {
            Assert.Skip("the wire check needs iperf3 to put traffic on the lab's underlay");
        }
    }

    /// <summary>
    /// A 1 s cross-node iperf3 run. The flag is what <c>Iperf3Tool.Client</c> adds (CniBench.Workloads, which
    /// this test project does not reference); without it iperf3 sends random bytes.
    /// </summary>
    private static async Task RunIperf3Async(IWorkloadHost client, IWorkloadHost server, bool repeatingPayload)
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        await using var listener = server.Runner.Start(new ProcessSpec("iperf3", ["-s", "-1", "-p", port, "--forceflush"]) { Timeout = TimeSpan.FromSeconds(20) });
        await listener.WaitForOutputAsync(line => line.Contains("Server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(5), Token);
        List<string> args = ["-c", server.Address.ToString(), "-p", port, "-t", "1", "--connect-timeout", "3000"];
        if (repeatingPayload)
        {
            args.Add("--repeating-payload");
        }

        var run = await client.Runner.RunAsync(new ProcessSpec("iperf3", args) { Timeout = TimeSpan.FromSeconds(15) }, Token);
        Assert.True(run.Succeeded, run.StandardError + run.StandardOutput);
    }

    /// <summary>Threads of this process named like the capture loop, from the kernel's own view.</summary>
    private static int CaptureThreads() =>
        Directory.EnumerateDirectories("/proc/self/task")
            .Count(task => File.Exists(Path.Combine(task, "comm")) && ReadComm(task) == WireSampler.ThreadName);

    private static string? ReadComm(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
        }
        catch (IOException)
        {
            // The thread ended between listing and reading.
            return null;
        }
    }

    private sealed class WireLab : IAsyncDisposable
    {
        private readonly LabProviderOptions _options;

        private WireLab(LabCluster cluster, LabProviderOptions options)
        {
            Cluster = cluster;
            _options = options;
        }

        public LabCluster Cluster { get; }

        public static async Task<WireLab> CreateAsync(string cni, CancellationToken cancellationToken)
        {
            var options = TestSupport.NewOptions();
            var cluster = await new LabProvider(TestSupport.Catalog, options)
                .CreateAsync(ClusterRequest.For(ClusterId.Parse(cni), ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 }), null, cancellationToken);
            // LabProvider.CreateAsync returns only once every link is up.
            return new WireLab(cluster, options);
        }

        /// <summary>Pod n1 to pod n2, or node n1 to node n2 on the underlay baseline (which has no pods).</summary>
        public (IWorkloadHost Client, IWorkloadHost Server) CrossNodePair() =>
            Cluster.Pods.Count >= 2
                ? (Cluster.Nodes[0].Pods[0], Cluster.Nodes[1].Pods[0])
                : (Cluster.Nodes[0].HostNetwork, Cluster.Nodes[1].HostNetwork);

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Assert.Empty(Directory.Exists("/run/netns")
                ? Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).Where(n => n!.StartsWith(_options.RunPrefix + "-", StringComparison.Ordinal))
                : []);
            if (Directory.Exists(_options.StateDirectory))
            {
                Directory.Delete(_options.StateDirectory, recursive: true);
            }
        }
    }
}
