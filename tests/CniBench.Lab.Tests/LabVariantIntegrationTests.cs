using System.Diagnostics;
using System.Text.Json;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab.Tests;

/// <summary>
/// Variant labs on this host (root): WireGuard through the kernel or wireguard-go, the routed and tunnelled
/// datapath variants, and the variants a kernel without ipip or ESP cannot build. Each test removes what it made.
/// </summary>
public sealed class LabVariantIntegrationTests
{
    private static readonly ClusterShape ThreeByOne = ClusterShape.Default with { PodsPerNode = 1 };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_CalicoWireGuard_CrossNodeTrafficGoesThroughWireGuardAndTeardownLeavesNothing()
    {
        RequireWireGuardHost();
        var options = TestSupport.NewOptions() with { KeyDirectory = KeyRoot() };
        IReadOnlyList<string> devices;
        string keyDirectory;
        var cluster = await Provider(options).CreateAsync(ClusterRequest.For(ClusterId.Parse("calico+wireguard"), ThreeByOne), null, Token);
        try
        {
            var mesh = Assert.IsType<LabWireGuard>(cluster.WireGuard);
            keyDirectory = mesh.KeyDirectory;
            devices = [.. cluster.Blueprint.Nodes.Select(n => n.WireGuardDevice!)];
            var n1 = cluster.Blueprint.Nodes[0];
            var before = await TxPacketsAsync(n1.Namespace, n1.WireGuardDevice!);

            await PingAsync(cluster, "n1-p1", "n2-p1", payloadBytes: 1440 - 28);
            await PingAsync(cluster, "n3-p1", "n1-p1", payloadBytes: 56);

            Assert.True(await TxPacketsAsync(n1.Namespace, n1.WireGuardDevice!) > before, "cross-node traffic did not leave through the WireGuard device");
            Assert.All(cluster.Pods, p => Assert.Equal(1440, p.Mtu));
            Assert.Equal("wireguard", cluster.Facts["encryption"]);
            Assert.Equal(mesh.Implementation, cluster.Facts["implementation"]);
            Assert.True(mesh.Implementation == "kernel" || mesh.Implementation.StartsWith("wireguard-go", StringComparison.Ordinal), mesh.Implementation);
            var keyFiles = Directory.GetFiles(keyDirectory);
            Assert.Equal(3, keyFiles.Length);
            foreach (var keyFile in keyFiles)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsLinux() ? File.GetUnixFileMode(keyFile) : UnixFileMode.None);
            }

            Assert.Null(await cluster.CheckAsync(Token));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.False(Directory.Exists(keyDirectory), $"{keyDirectory} is still there");
        Assert.All(devices, d => Assert.False(File.Exists(LabWireGuard.SocketPath(d)), $"{d}'s socket is still there"));
        Assert.Empty(WireGuardGoProcesses(devices));
        AssertGone(options);
    }

    [Fact]
    public async Task CheckAsync_WireGuardGoKilled_NamesTheNodeWhoseDaemonExited()
    {
        RequireWireGuardHost();
        var options = TestSupport.NewOptions() with { KeyDirectory = KeyRoot() };
        if ((await LabSupportCheck.KernelFeaturesAsync(LocalProcessRunner.Instance, Token)).WireGuard)
        {
            Assert.Skip("this kernel has WireGuard, so the lab runs no wireguard-go to kill");
        }

        var cluster = await Provider(options).CreateAsync(ClusterRequest.For(ClusterId.Parse("flannel+wireguard"), ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 }), null, Token);
        try
        {
            var n2 = cluster.Blueprint.Nodes[1];
            var pid = Assert.Single(WireGuardGoProcesses([n2.WireGuardDevice!]));
            using (var process = Process.GetProcessById(pid))
            {
                process.Kill();
            }

            string? broken = null;
            var started = Stopwatch.GetTimestamp();
            while (broken is null && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
            {
                broken = await cluster.CheckAsync(Token);
                await Task.Delay(20, Token);
            }

            Assert.NotNull(broken);
            Assert.StartsWith("wireguard-go on n2 exited (code ", broken, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        AssertGone(options);
    }

    [Fact]
    public async Task DownAsync_PersistentWireGuardLab_KillsWireGuardGoAndRemovesKeysAndSockets()
    {
        RequireWireGuardHost();
        var options = TestSupport.NewOptions(persistent: true) with { KeyDirectory = KeyRoot() };
        var cluster = await Provider(options).CreateAsync(ClusterRequest.For(ClusterId.Parse("cilium+wireguard"), ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 }), null, Token);
        var devices = cluster.Blueprint.Nodes.Select(n => n.WireGuardDevice!).ToList();
        var keyDirectory = cluster.WireGuard!.KeyDirectory;
        await cluster.DisposeAsync();
        Assert.True(Directory.Exists(keyDirectory), "a persistent lab keeps its keys until lab down");

        var janitor = new LabJanitor(new LabJanitorOptions { StateDirectory = options.StateDirectory, KeyDirectory = options.KeyDirectory, Scope = options.RunPrefix });
        var removed = await janitor.DownAsync(cluster.Name, CancellationToken.None);

        Assert.Equal([cluster.Name], removed.Removed);
        Assert.Empty(removed.Failed);
        Assert.False(Directory.Exists(keyDirectory));
        Assert.Empty(WireGuardGoProcesses(devices));
        Assert.All(devices, d => Assert.False(File.Exists(LabWireGuard.SocketPath(d))));
        AssertGone(options);
    }

    [Theory]
    [InlineData("calico+vxlan", 1450, "vxlan.calico")]
    [InlineData("flannel+host-gw", 1500, null)]
    [InlineData("cilium+native-routing", 1500, null)]
    public async Task CreateAsync_DatapathVariant_PodsReachAcrossNodesAtModelledMtu(string name, int mtu, string? vxlan)
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        var cluster = await Provider(options).CreateAsync(ClusterRequest.For(ClusterId.Parse(name), ThreeByOne), null, Token);
        try
        {
            await PingAsync(cluster, "n1-p1", "n3-p1", payloadBytes: mtu - 28);
            await PingAsync(cluster, "n2-p1", "n1-p1", payloadBytes: 56);
            var node1 = cluster.Blueprint.Nodes[0].Namespace;
            var tunnels = (await IpJsonAsync(node1, "link", "show", "type", "vxlan")).EnumerateArray().Select(l => l.GetProperty("ifname").GetString()).ToList();
            Assert.Equal(vxlan is null ? [] : [vxlan], tunnels);
            Assert.All(cluster.Pods, p => Assert.Equal(mtu, p.Mtu));
            Assert.Equal(name, cluster.Cni);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        AssertGone(options);
    }

    [Theory]
    [InlineData("calico+ipip")]
    [InlineData("cilium+ipsec")]
    [InlineData("weavenet+ipsec")]
    public async Task CreateAsync_VariantThisKernelCannotBuild_ThrowsUnsupportedNamingTheFeatureAndCreatesNothing(string name)
    {
        TestSupport.RequireLabHost();
        var features = await LabSupportCheck.KernelFeaturesAsync(LocalProcessRunner.Instance, Token);
        var ipip = name.EndsWith("+ipip", StringComparison.Ordinal);
        if (ipip && features.Ipip)
        {
            Assert.Skip("this kernel has ipip: the variant is built, not refused (CreateAsync_DatapathVariant covers routed variants)");
        }

        var options = TestSupport.NewOptions();

        var ex = await Assert.ThrowsAsync<ClusterUnsupportedException>(() =>
            Provider(options).CreateAsync(ClusterRequest.For(ClusterId.Parse(name), ThreeByOne), null, Token));

        Assert.StartsWith(name + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ipip ? "CONFIG_NET_IPIP" : features.Esp ? "no IPsec (xfrm) builder" : "CONFIG_INET_ESP", ex.Message, StringComparison.Ordinal);
        AssertGone(options);
    }

    private static LabProvider Provider(LabProviderOptions options) => new(TestSupport.Catalog, options);

    private static void RequireWireGuardHost()
    {
        TestSupport.RequireLabHost();
        if (ToolPackages.Which("wg") is null || ToolPackages.Which("wireguard-go") is null)
        {
            Assert.Skip("WireGuard variants need wg (wireguard-tools) and wireguard-go (used when the kernel has no WireGuard)");
        }
    }

    /// <summary>A private key root per test, so the assertions see only this test's key folders.</summary>
    private static string KeyRoot() => Path.Combine(Path.GetTempPath(), "cnibench-lab-keys", Guid.NewGuid().ToString("N"));

    private static async Task PingAsync(LabCluster cluster, string from, string to, int payloadBytes)
    {
        var source = cluster.Pods.Single(p => p.Name == from);
        var target = cluster.Pods.Single(p => p.Name == to);
        var result = await source.Runner.RunAsync(
            new ProcessSpec("ping", ["-c", "2", "-i", "0.2", "-W", "2", "-M", "do", "-s", payloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), target.Address.ToString()])
            {
                Timeout = TimeSpan.FromSeconds(10),
            },
            Token);
        Assert.True(result.Succeeded, $"{from} cannot ping {to} with {payloadBytes} bytes: {result.StandardOutput}{result.StandardError}");
    }

    /// <summary>wireguard-go processes serving any of <paramref name="devices"/>, by their command line.</summary>
    private static List<int> WireGuardGoProcesses(IReadOnlyCollection<string> devices)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var zombie = stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
                if (!zombie && cmdline.Length > 0 && cmdline[0].EndsWith("wireguard-go", StringComparison.Ordinal) && cmdline.Any(devices.Contains))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }

    private static async Task<JsonElement> IpJsonAsync(string ns, params string[] arguments)
    {
        var result = await TestSupport.IpAsync(["-n", ns, "-j", .. arguments]);
        Assert.True(result.Succeeded, result.StandardError);
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(result.StandardOutput) ? "[]" : result.StandardOutput).RootElement.Clone();
    }

    private static async Task<long> TxPacketsAsync(string ns, string device) =>
        (await IpJsonAsync(ns, "-s", "link", "show", "dev", device))[0].GetProperty("stats64").GetProperty("tx").GetProperty("packets").GetInt64();

    private static void AssertGone(LabProviderOptions options)
    {
        Assert.Empty(Directory.Exists("/run/netns")
            ? Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).Where(n => n!.StartsWith(options.RunPrefix + "-", StringComparison.Ordinal))
            : []);
        Assert.Empty(new LabStateStore(options.StateDirectory).ReadAll());
        if (Directory.Exists(options.StateDirectory))
        {
            Directory.Delete(options.StateDirectory, recursive: true);
        }

        if (Directory.Exists(options.KeyDirectory) && !Directory.EnumerateFileSystemEntries(options.KeyDirectory).Any())
        {
            Directory.Delete(options.KeyDirectory);
        }
    }
}
