using System.Net;
using CniBench.Lab.Probes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Tests.Probes;

/// <summary>The probe engine on real lab namespaces (root); argument checks run anywhere.</summary>
[Collection(NetnsThreadTests.Name)]
public sealed class NamespaceProbeEngineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly (int, NetpolProtocol)[] ServedPorts =
        [(80, NetpolProtocol.Tcp), (81, NetpolProtocol.Tcp), (80, NetpolProtocol.Udp), (81, NetpolProtocol.Udp)];

    [Theory]
    [InlineData("flannel")]
    [InlineData("calico")]
    public async Task ProbeAsync_AllPairsWithoutPolicy_AllConnected(string cni)
    {
        TestSupport.RequireLabHost();
        await using var lab = await ProbeLab.CreateAsync(cni, Token);
        await using var engine = new NamespaceProbeEngine(lab.Namespaces);
        await engine.StartListenersAsync(ProbeLab.Serve(lab.Pods, ServedPorts), Token);
        var probes = (
            from source in lab.Pods
            from destination in lab.Pods
            from port in ServedPorts
            select ProbeLab.Probe(source, destination, port.Item1, port.Item2)).ToArray();

        var results = await engine.ProbeAsync(probes, Timeout, Token);

        Assert.Equal(64, results.Count);
        Assert.Equal(probes, results.Select(r => r.Request));
        Assert.All(results, r => Assert.True(r.Outcome == ProbeOutcome.Connected, $"{r.Request}: {r.Outcome} {r.Detail}"));
        Assert.Equal(16, engine.Listeners.Count(l => l.Listening));
    }

    [Fact]
    public async Task ProbeAsync_PortWithoutListener_Refused()
    {
        TestSupport.RequireLabHost();
        await using var lab = await ProbeLab.CreateAsync("calico", Token);
        await using var engine = new NamespaceProbeEngine(lab.Namespaces);
        await engine.StartListenersAsync(ProbeLab.Serve(lab.Pods, ServedPorts), Token);
        var (from, to) = (lab.Pod("x/a"), lab.Pod("y/b"));

        var results = await engine.ProbeAsync(
            [ProbeLab.Probe(from, to, 82, NetpolProtocol.Tcp, control: true), ProbeLab.Probe(from, to, 82, NetpolProtocol.Udp, control: true)], Timeout, Token);

        // Refused is an answer, not a wait: the engine reports it only for the destination's reset or port-unreachable,
        // while a probe that waited out the timeout is TimedOut, so the outcome alone tells the two apart.
        Assert.All(results, r => Assert.True(r.Outcome == ProbeOutcome.Refused, $"{r.Request}: {r.Outcome} {r.Detail}"));
    }

    [Fact]
    public async Task ProbeAsync_DestinationDropsPort_TimedOutWhileOtherPortConnects()
    {
        TestSupport.RequireLabHost();
        await using var lab = await ProbeLab.CreateAsync("flannel", Token);
        await using var engine = new NamespaceProbeEngine(lab.Namespaces);
        await engine.StartListenersAsync(ProbeLab.Serve(lab.Pods, ServedPorts), Token);
        var (from, to) = (lab.Pod("x/a"), lab.Pod("y/a"));
        await ProbeLab.DropAsync(to, 80, Token);

        var results = await engine.ProbeAsync(
            [
                ProbeLab.Probe(from, to, 80, NetpolProtocol.Tcp),
                ProbeLab.Probe(from, to, 80, NetpolProtocol.Udp),
                ProbeLab.Probe(from, to, 81, NetpolProtocol.Tcp),
                ProbeLab.Probe(from, to, 81, NetpolProtocol.Udp),
            ],
            Timeout,
            Token);

        Assert.Equal([ProbeOutcome.TimedOut, ProbeOutcome.TimedOut, ProbeOutcome.Connected, ProbeOutcome.Connected], results.Select(r => r.Outcome));
        // The engine's own deadline ended the dropped probes (not a kernel ETIMEDOUT or an error), so they waited for the
        // configured timeout, not for the kernel's SYN retries.
        Assert.All(results.Take(2), r => Assert.Equal("no answer within 500 ms", r.Detail));
    }

    [Fact]
    public async Task ProbeAsync_Sctp_UnsupportedWithReasonWhenKernelLacksIt()
    {
        TestSupport.RequireLabHost();
        // The kernel registers net.sctp sysctls exactly when it has SCTP: a check independent of the engine's.
        var kernelHasSctp = Directory.Exists("/proc/sys/net/sctp");
        await using var lab = await ProbeLab.CreateAsync("calico", Token);
        await using var engine = new NamespaceProbeEngine(lab.Namespaces);
        var (from, to) = (lab.Pod("x/a"), lab.Pod("x/b"));
        await engine.StartListenersAsync(ProbeLab.Serve([to], (80, NetpolProtocol.Sctp), (80, NetpolProtocol.Tcp)), Token);

        var results = await engine.ProbeAsync([ProbeLab.Probe(from, to, 80, NetpolProtocol.Sctp), ProbeLab.Probe(from, to, 80, NetpolProtocol.Tcp)], Timeout, Token);

        var sctpListener = Assert.Single(engine.Listeners, l => l.Protocol == NetpolProtocol.Sctp);
        Assert.Equal(ProbeOutcome.Connected, results[1].Outcome);
        if (kernelHasSctp)
        {
            Assert.True(sctpListener.Listening);
            Assert.Equal(ProbeOutcome.Connected, results[0].Outcome);
            return;
        }

        Assert.False(sctpListener.Listening);
        Assert.Contains("kernel has no SCTP", sctpListener.Detail, StringComparison.Ordinal);
        Assert.Equal(ProbeOutcome.Unsupported, results[0].Outcome);
        Assert.StartsWith("kernel has no SCTP (socket: ", results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_AfterProbing_NoListenerAndNoNamespaceThreadRemain()
    {
        TestSupport.RequireLabHost();
        await using var lab = await ProbeLab.CreateAsync("calico", Token);
        var probes = (from s in lab.Pods from d in lab.Pods select ProbeLab.Probe(s, d, 80, NetpolProtocol.Tcp)).ToArray();
        // A first engine warms up the thread pool, so the baseline below counts only what an engine itself adds.
        await using (var warmUp = new NamespaceProbeEngine(lab.Namespaces))
        {
            await warmUp.StartListenersAsync(ProbeLab.Serve(lab.Pods, ServedPorts), Token);
            _ = await warmUp.ProbeAsync(probes, Timeout, Token);
        }

        var baseline = Threads();
        var engine = new NamespaceProbeEngine(lab.Namespaces);
        await engine.StartListenersAsync(ProbeLab.Serve(lab.Pods, ServedPorts), Token);
        var results = await engine.ProbeAsync(probes, Timeout, Token);
        Assert.All(results, r => Assert.Equal(ProbeOutcome.Connected, r.Outcome));
        Assert.Equal([80, 80, 81, 81], (await ProbeLab.ListeningPortsAsync(lab.Pod("y/a"), Token)).Order());

        await engine.DisposeAsync();

        foreach (var pod in lab.Pods)
        {
            Assert.Empty(await ProbeLab.ListeningPortsAsync(pod, Token));
        }

        // The engine's own threads are gone; the process-wide count is only logged, as the runtime's pools vary.
        Assert.DoesNotContain(NetnsThread.ThreadName, Threads());
        var after = Threads();
        TestContext.Current.TestOutputHelper?.WriteLine($"threads: baseline {baseline.Count}, after dispose {after.Count}");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.ProbeAsync(probes, Timeout, Token));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("198.20.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task ProbeAsync_DestinationOutsideLabRange_ThrowsArgumentExceptionBeforeAnyTraffic(string address)
    {
        // A namespace that does not exist: the engine must refuse before it tries to enter it.
        await using var engine = new NamespaceProbeEngine(new Dictionary<string, string> { ["x/a"] = "cnb-absent-ns" });
        var probes = new[]
        {
            new ProbeRequest("x/a", "x/b", IPAddress.Parse("198.19.1.2"), 80, NetpolProtocol.Tcp),
            new ProbeRequest("x/a", "elsewhere", IPAddress.Parse(address), 80, NetpolProtocol.Tcp),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.ProbeAsync(probes, Timeout, Token));

        Assert.Contains("outside the lab range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_UnknownSourcePod_ThrowsArgumentException()
    {
        await using var engine = new NamespaceProbeEngine(new Dictionary<string, string> { ["x/a"] = "cnb-absent-ns" });

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.ProbeAsync([new ProbeRequest("z/c", "x/a", IPAddress.Parse("198.19.1.2"), 80, NetpolProtocol.Tcp)], Timeout, Token));

        Assert.Contains("'z/c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NamespaceNameWithSlash_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new NamespaceProbeEngine(new Dictionary<string, string> { ["x/a"] = "../etc" }));

    [Theory]
    [InlineData("198.18.0.1", true)]
    [InlineData("198.19.255.254", true)]
    [InlineData("198.17.255.255", false)]
    [InlineData("198.20.0.0", false)]
    [InlineData("169.254.1.1", false)]
    [InlineData("::ffff:198.18.0.1", false)]
    public void IsLabAddress_Address_MatchesBenchmarkRange(string address, bool expected) =>
        Assert.Equal(expected, LabDestinations.IsLabAddress(IPAddress.Parse(address)));

    /// <summary>The OS name of every thread of this process.</summary>
    private static List<string> Threads() =>
        [.. Directory.EnumerateDirectories("/proc/self/task").Select(t => SafeRead(Path.Combine(t, "comm")).Trim())];

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "(exited)";
        }
    }
}
