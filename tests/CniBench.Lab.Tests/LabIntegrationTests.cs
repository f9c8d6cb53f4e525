using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab.Tests;

/// <summary>Real labs on this host (root). Each test removes everything it made, even when it fails.</summary>
public sealed class LabIntegrationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_Flannel_PodsReachEachOtherAndCrossNodeTrafficUsesVxlan()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        await using var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest("flannel", ClusterShape.Default), null, Token);
        try
        {
            var n1p1 = Pod(cluster, "n1-p1");
            var vtep = cluster.Nodes[0].HostNetwork;
            var before = await TxPacketsAsync(Namespace(vtep), "flannel.1");

            await AssertPingsAsync(n1p1, Pod(cluster, "n1-p2").Address);
            var afterSameNode = await TxPacketsAsync(Namespace(vtep), "flannel.1");
            await AssertPingsAsync(n1p1, Pod(cluster, "n2-p1").Address);
            await AssertPingsAsync(Pod(cluster, "n3-p2"), n1p1.Address);
            var afterCrossNode = await TxPacketsAsync(Namespace(vtep), "flannel.1");

            Assert.Equal(before, afterSameNode);
            Assert.True(afterCrossNode >= afterSameNode + 2, $"flannel.1 tx packets {afterSameNode} -> {afterCrossNode}: cross-node traffic did not use VXLAN");
            Assert.Equal(6, cluster.Pods.Count);
            Assert.All(cluster.Pods, p => Assert.Equal(1450, p.Mtu));
            Assert.Equal(1450, await MtuAsync(Namespace(n1p1), "eth0"));
            Assert.Equal(1500, await MtuAsync(Namespace(vtep), "eth0"));
            Assert.Equal(IPAddress.Parse("198.19.2.2"), Pod(cluster, "n2-p1").Address);
            Assert.Equal(IPAddress.Parse("198.18.0.11"), vtep.Address);
            await AssertContainedAsync(cluster);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await AssertGoneAsync(options);
    }

    [Fact]
    public async Task CreateAsync_Calico_PodsReachEachOtherThroughProxyArpGateway()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        await using var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest("calico", ClusterShape.Default), null, Token);
        try
        {
            var n1p1 = Pod(cluster, "n1-p1");

            await AssertPingsAsync(n1p1, Pod(cluster, "n1-p2").Address);
            await AssertPingsAsync(n1p1, Pod(cluster, "n3-p1").Address);
            await AssertPingsAsync(Pod(cluster, "n2-p2"), n1p1.Address);

            Assert.All(cluster.Pods, p => Assert.Equal(1500, p.Mtu));
            Assert.Equal(1500, await MtuAsync(Namespace(n1p1), "eth0"));
            var neighbours = await IpJsonAsync(Namespace(n1p1), "neigh", "show", "169.254.1.1");
            Assert.Equal("ee:ee:ee:ee:ee:ee", Assert.Single(neighbours.EnumerateArray()).GetProperty("lladdr").GetString());
            var addresses = await IpJsonAsync(Namespace(n1p1), "addr", "show", "dev", "eth0");
            Assert.Contains(addresses[0].GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == "198.19.1.2" && a.GetProperty("prefixlen").GetInt32() == 32);
            var links = await IpJsonAsync(Namespace(cluster.Nodes[0].HostNetwork), "link", "show", "type", "bridge");
            Assert.Empty(links.EnumerateArray());
            await AssertContainedAsync(cluster);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await AssertGoneAsync(options);
    }

    [Theory]
    [InlineData("canal", 1450, "flannel.1", null)]
    [InlineData("cilium", 1450, "cilium_vxlan", null)]
    [InlineData("kube-router", 1500, null, "kube-bridge")]
    [InlineData("weavenet", 1376, "vxlan-6784", "weave")]
    public async Task CreateAsync_Model_PodsReachEachOtherAtModelledMtuAndTunnelCarriesOnlyCrossNode(string cni, int mtu, string? vxlan, string? bridge)
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        await using var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest(cni, ClusterShape.Default), null, Token);
        try
        {
            var n1p1 = Pod(cluster, "n1-p1");
            var node1 = Namespace(cluster.Nodes[0].HostNetwork);
            var before = vxlan is null ? 0 : await TxPacketsAsync(node1, vxlan);

            await AssertPingsAsync(n1p1, Pod(cluster, "n1-p2").Address);
            var afterSameNode = vxlan is null ? 0 : await TxPacketsAsync(node1, vxlan);
            await AssertPingsAsync(n1p1, Pod(cluster, "n2-p1").Address);
            await AssertPingsAsync(Pod(cluster, "n3-p2"), n1p1.Address);
            // A full-size packet with DF set crosses nodes: the modelled MTU is what the path really carries.
            await AssertPingsAsync(n1p1, Pod(cluster, "n3-p1").Address, payloadBytes: mtu - 28);
            var afterCrossNode = vxlan is null ? 0 : await TxPacketsAsync(node1, vxlan);

            Assert.Equal(6, cluster.Pods.Count);
            Assert.All(cluster.Pods, p => Assert.Equal(mtu, p.Mtu));
            Assert.Equal(mtu, await MtuAsync(Namespace(n1p1), "eth0"));
            Assert.Equal(1500, await MtuAsync(node1, "eth0"));
            var tunnels = await IpJsonAsync(node1, "link", "show", "type", "vxlan");
            if (vxlan is null)
            {
                Assert.Empty(tunnels.EnumerateArray());
            }
            else
            {
                Assert.Equal(vxlan, Assert.Single(tunnels.EnumerateArray()).GetProperty("ifname").GetString());
                Assert.Equal(before, afterSameNode);
                Assert.True(afterCrossNode >= afterSameNode + 3, $"{vxlan} tx packets {afterSameNode} -> {afterCrossNode}: cross-node traffic did not use VXLAN");
            }

            var bridges = (await IpJsonAsync(node1, "link", "show", "type", "bridge")).EnumerateArray().Select(l => l.GetProperty("ifname").GetString()).ToList();
            Assert.Equal(bridge is null ? [] : [bridge], bridges);
            await AssertContainedAsync(cluster);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await AssertGoneAsync(options);
    }

    /// <summary>
    /// Why the lab's policy rules dispatch on pod addresses, not host veths: with br_netfilter on, the inet forward
    /// hook sees bridged pod traffic under the bridge's name, never the port veth, yet it does see the pod's address.
    /// </summary>
    [Fact]
    public async Task CreateAsync_KubeRouterSameNodeTraffic_ReachesInetForwardHookAsBridgeNotAsPortVeth()
    {
        TestSupport.RequireLabHost();
        if (ToolPackages.Which("nft") is null)
        {
            Assert.Skip("needs nft (nftables)");
        }

        var options = TestSupport.NewOptions();
        await using var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest("kube-router", ClusterShape.Default with { Nodes = 1, PodsPerNode = 2 }), null, Token);
        try
        {
            var node = Namespace(cluster.Nodes[0].HostNetwork);
            var sysctl = await LocalProcessRunner.Instance.RunAsync(new ProcessSpec("ip", ["netns", "exec", node, "sysctl", "-n", "net.bridge.bridge-nf-call-iptables"]) { Timeout = TimeSpan.FromSeconds(5) }, Token);
            Assert.Equal("1", sysctl.StandardOutput.Trim());
            var source = Pod(cluster, "n1-p1").Address;
            var target = Pod(cluster, "n1-p2").Address;
            var counters = $$"""
                table inet cnibench_probe {
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                    iifname "veth1" counter
                    oifname "veth2" counter
                    iifname "kube-bridge" oifname "kube-bridge" meta l4proto icmp counter
                    ip saddr {{source}} ip daddr {{target}} meta l4proto icmp counter
                  }
                }
                """;
            var load = await LocalProcessRunner.Instance.RunAsync(new ProcessSpec("ip", ["netns", "exec", node, "nft", "-f", "-"]) { StandardInput = counters, Timeout = TimeSpan.FromSeconds(10) }, Token);
            Assert.True(load.Succeeded, load.StandardError);

            await AssertPingsAsync(Pod(cluster, "n1-p1"), Pod(cluster, "n1-p2").Address);

            var list = await LocalProcessRunner.Instance.RunAsync(new ProcessSpec("ip", ["netns", "exec", node, "nft", "-j", "list", "table", "inet", "cnibench_probe"]) { Timeout = TimeSpan.FromSeconds(10) }, Token);
            Assert.True(list.Succeeded, list.StandardError);
            var packets = JsonDocument.Parse(list.StandardOutput).RootElement.GetProperty("nftables").EnumerateArray()
                .Where(e => e.TryGetProperty("rule", out _))
                .Select(e => e.GetProperty("rule").GetProperty("expr").EnumerateArray().Single(x => x.TryGetProperty("counter", out _)).GetProperty("counter").GetProperty("packets").GetInt64())
                .ToList();
            Assert.Equal(4, packets.Count);
            Assert.Equal(0, packets[0]);
            Assert.Equal(0, packets[1]);
            Assert.True(packets[2] >= 2, $"bridged ICMP seen {packets[2]} times on the inet forward hook");
            Assert.True(packets[3] >= 1, $"bridged ICMP from {source} to {target} seen {packets[3]} times by address");
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await AssertGoneAsync(options);
    }

    [Fact]
    public async Task CreateAsync_Underlay_NodesReachEachOtherAndNoPodsExist()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        await using var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest(Underlay.Name, ClusterShape.Default), null, Token);

        await AssertPingsAsync(cluster.Nodes[0].HostNetwork, cluster.Nodes[2].HostNetwork.Address);
        Assert.Empty(cluster.Pods);
        Assert.Equal(4, cluster.Namespaces.Count);
        await AssertContainedAsync(cluster);
        await cluster.DisposeAsync();
        await AssertGoneAsync(options);
    }

    [Fact]
    public async Task DisposeAsync_ProcessRunningInPod_KillsItAndRemovesNamespacesAndStateFile()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest("calico", ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 }), null, Token);
        // A fractional duration no other process uses, so it can be found in /proc.
        var marker = "60." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        await using var sleeper = Pod(cluster, "n1-p1").Runner.Start(new ProcessSpec("sleep", [marker]));
        try
        {
            // Until the process is sleep itself: before its exec it is the runner's namespace wrapper with the same
            // arguments, not yet in the pod's namespace, and the janitor (rightly) lists nothing there (a CI flake).
            Assert.True(SpinUntil(() => FindProcesses(marker).Exists(IsSleep)), "sleep did not start");
            Assert.True(File.Exists(new LabStateStore(options.StateDirectory).PathOf(cluster.Name)));
            var status = Assert.Single(await new LabJanitor(new() { StateDirectory = options.StateDirectory, Scope = options.RunPrefix }).ListAsync(Token));
            Assert.True(status.OwnerAlive);
            Assert.Contains(status.Processes, kv => kv.Key.EndsWith("-n1-p1", StringComparison.Ordinal));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.Empty(FindProcesses(marker));
        var finished = await sleeper.Completion.WaitAsync(TimeSpan.FromSeconds(5), Token);
        Assert.NotEqual(0, finished.ExitCode);
        await AssertGoneAsync(options);
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task CreateAsync_CancelledMidBuild_RemovesHalfBuiltLab()
    {
        TestSupport.RequireLabHost();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        // Cancels the run as soon as the namespaces exist (after the first batch), like Ctrl+C mid-build.
        var runner = new CancelAfterFirstCall(LocalProcessRunner.Instance, cancel);
        var options = TestSupport.NewOptions() with { Runner = runner };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new LabProvider(TestSupport.Catalog, options).CreateAsync(new ClusterRequest("flannel", ClusterShape.Default), null, cancel.Token));

        Assert.True(runner.Calls >= 2, "teardown did not run");
        await AssertGoneAsync(options);
    }

    [Fact]
    public async Task SweepStaleAsync_LabsAndOrphans_RemovesDeadOwnersAndOrphansKeepsLiveAndPersistent()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        var janitor = new LabJanitor(new() { StateDirectory = options.StateDirectory, Scope = options.RunPrefix, OrphanGracePeriod = TimeSpan.Zero });
        var store = new LabStateStore(options.StateDirectory);
        var small = ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 };
        var orphan = $"{options.RunPrefix}-orphan";
        try
        {
            var dead = await new LabProvider(TestSupport.Catalog, options).CreateAsync(new ClusterRequest("calico", small), null, Token);
            var live = await new LabProvider(TestSupport.Catalog, options).CreateAsync(new ClusterRequest("flannel", small), null, Token);
            var kept = await new LabProvider(TestSupport.Catalog, options with { Persistent = true }).CreateAsync(new ClusterRequest(Underlay.Name, small), null, Token);
            var deadPid = ExitedProcessId();
            foreach (var lab in new[] { dead, kept })
            {
                var state = store.ReadAll().Single(s => s.Lab == lab.Name).State!;
                await store.WriteAsync(state with { OwnerPid = deadPid, OwnerStartTicks = 1 }, Token);
            }

            Assert.True((await TestSupport.IpAsync("netns", "add", orphan)).Succeeded);

            var removed = await janitor.SweepStaleAsync(Token);

            Assert.Equal([dead.Name, orphan], removed.Removed.Order(StringComparer.Ordinal));
            Assert.Empty(removed.Failed);
            Assert.All(dead.Namespaces, ns => Assert.False(File.Exists($"/run/netns/{ns}")));
            Assert.False(File.Exists($"/run/netns/{orphan}"));
            Assert.False(File.Exists(store.PathOf(dead.Name)));
            Assert.All(live.Namespaces.Concat(kept.Namespaces), ns => Assert.True(File.Exists($"/run/netns/{ns}"), ns));
            await AssertPingsAsync(Pod(live, "n1-p1"), Pod(live, "n2-p1").Address);

            var down = await janitor.DownAsync(kept.Name, Token);

            Assert.Equal([kept.Name], down.Removed);
            Assert.All(kept.Namespaces, ns => Assert.False(File.Exists($"/run/netns/{ns}")));
            await live.DisposeAsync();
        }
        finally
        {
            await janitor.DownAsync(null, CancellationToken.None);
        }

        await AssertGoneAsync(options);
    }

    [Fact]
    public async Task MeasureAsync_ThreeNodesTwoPods_TimesEveryIterationAndLeavesNothing()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        foreach (var cni in new[] { "flannel", "calico" })
        {
            var timings = await LabTimings.MeasureAsync(TestSupport.Catalog[cni], ClusterShape.Default, 5, options, Token);

            var total = LabTimings.Median([.. timings.Select(t => t.Total)]);
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{cni} 3x2 up+down median {total.TotalMilliseconds:0} ms (up median {LabTimings.Median([.. timings.Select(t => t.Up)]).TotalMilliseconds:0} ms, down median {LabTimings.Median([.. timings.Select(t => t.Down)]).TotalMilliseconds:0} ms); all: {string.Join(", ", timings.Select(t => t.Total.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)))} ms"));
            // Speed itself is measured by 'cnibench bench lab' (docs/performance.md), not asserted here: CI machines are shared and noisy.
            Assert.Equal(5, timings.Count);
            Assert.All(timings, t => Assert.True(t.Up > TimeSpan.Zero && t.Down > TimeSpan.Zero));
        }

        await AssertGoneAsync(options);
    }

    [Fact]
    public async Task RunAsync_ThisHost_ProbesLinkTypesAndLeavesNoNamespace()
    {
        TestSupport.RequireLabHost();

        var checks = await LabPreflight.RunAsync(null, Token);

        foreach (var feature in new[] { "root", "tool:ip", "netns", "link:veth", "link:bridge", "link:vxlan" })
        {
            Assert.True(checks.Single(c => c.Feature == feature).Ok, feature);
        }

        Assert.Contains(checks, c => c.Feature == "link:wireguard");
        Assert.Contains(checks, c => c.Feature == "link:geneve");
        Assert.Contains(checks, c => c.Feature == "xfrm:esp");
        // Tools of single tests and variants are listed too; a missing one names its package.
        foreach (var tool in new[] { "tool:wrk", "tool:nginx", "tool:haproxy", "tool:wg", "tool:wireguard-go", "tool:chromium" })
        {
            var check = checks.Single(c => c.Feature == tool);
            Assert.True(check.Ok || check.Detail.Contains("apt-get install", StringComparison.Ordinal), $"{tool}: {check.Detail}");
        }

        Assert.All(checks.Where(c => !c.Ok), c => Assert.False(string.IsNullOrWhiteSpace(c.Detail)));
        Assert.Empty(NamespacesWith($"cnb-probe-{Environment.ProcessId}-"));
        foreach (var check in checks)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{check.Feature}: {(check.Ok ? "ok" : "MISSING")} {check.Detail}");
        }
    }

    private sealed class CancelAfterFirstCall(IProcessRunner inner, CancellationTokenSource cancel) : IProcessRunner
    {
        private int _calls;

        public int Calls => _calls;

        public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
        {
            var result = await inner.RunAsync(spec, cancellationToken);
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await cancel.CancelAsync();
            }

            return result;
        }

        public IRunningProcess Start(ProcessSpec spec) => inner.Start(spec);
    }

    private static IWorkloadHost Pod(LabCluster cluster, string name) => cluster.Nodes.SelectMany(n => n.Pods).Single(p => p.Name == name);

    private static string Namespace(IWorkloadHost host) => ((LabWorkloadHost)host).Namespace;

    private static async Task AssertPingsAsync(IWorkloadHost from, IPAddress to, int? payloadBytes = null)
    {
        string[] size = payloadBytes is { } bytes ? ["-M", "do", "-s", bytes.ToString(CultureInfo.InvariantCulture)] : [];
        var result = await from.Runner.RunAsync(
            new ProcessSpec("ping", ["-c", "1", "-W", "2", .. size, to.ToString()]) { Timeout = TimeSpan.FromSeconds(5) }, Token);
        Assert.True(result.Succeeded, $"{from.Name} ({from.Address}) cannot ping {to}: {result.StandardOutput}{result.StandardError}");
    }

    /// <summary>No namespace of the lab has a default route, and every address is a lab, link-local or loopback one.</summary>
    private static async Task AssertContainedAsync(LabCluster cluster)
    {
        foreach (var ns in cluster.Namespaces)
        {
            var routes = await IpJsonAsync(ns, "route", "show", "table", "all");
            Assert.DoesNotContain(routes.EnumerateArray(), r => r.GetProperty("dst").GetString() == "default");
            foreach (var link in (await IpJsonAsync(ns, "addr", "show")).EnumerateArray())
            {
                foreach (var info in link.GetProperty("addr_info").EnumerateArray())
                {
                    var address = IPAddress.Parse(info.GetProperty("local").GetString()!);
                    Assert.True(IsAllowed(address), $"{ns}: address {address} outside the lab ranges");
                }

                Assert.NotEqual("cnb-host-link", link.GetProperty("ifname").GetString());
            }
        }
    }

    private static bool IsAllowed(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal)
        {
            return true;
        }

        var b = address.GetAddressBytes();
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && ((b[0] == 198 && b[1] is 18 or 19) || (b[0] == 169 && b[1] == 254));
    }

    private static async Task AssertGoneAsync(LabProviderOptions options)
    {
        Assert.Empty(NamespacesWith(options.RunPrefix + "-"));
        Assert.Empty(new LabStateStore(options.StateDirectory).ReadAll());
        Assert.Empty(await new LabJanitor(new() { StateDirectory = options.StateDirectory, Scope = options.RunPrefix }).ListAsync(Token));
        if (Directory.Exists(options.StateDirectory))
        {
            Directory.Delete(options.StateDirectory);
        }
    }

    private static List<string> NamespacesWith(string prefix) =>
        Directory.Exists("/run/netns")
            ? [.. Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(prefix, StringComparison.Ordinal))]
            : [];

    private static async Task<JsonElement> IpJsonAsync(string ns, params string[] arguments)
    {
        var result = await TestSupport.IpAsync(["-n", ns, "-j", .. arguments]);
        Assert.True(result.Succeeded, result.StandardError);
        var text = string.IsNullOrWhiteSpace(result.StandardOutput) ? "[]" : result.StandardOutput;
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<long> TxPacketsAsync(string ns, string device)
    {
        var link = await IpJsonAsync(ns, "-s", "link", "show", "dev", device);
        return link[0].GetProperty("stats64").GetProperty("tx").GetProperty("packets").GetInt64();
    }

    private static async Task<int> MtuAsync(string ns, string device) =>
        (await IpJsonAsync(ns, "link", "show", "dev", device))[0].GetProperty("mtu").GetInt32();

    private static List<int> FindProcesses(string argument)
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
                if (cmdline.Contains(argument) && !zombie)
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

    private static bool IsSleep(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim() == "sleep";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool SpinUntil(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return false;
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
