using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Tests.Conformance;

public sealed class PolicyConvergenceTests
{
    private static readonly ClusterModel Model = DefaultModel.Create();

    private static readonly IReadOnlyList<ProbeRequest> Probes = ConformanceTables.Plan(Model, controlPort: 82);

    private static readonly ExpectedConnectivity Open = new PolicyOracle(Model, []).ComputeAll();

    [Fact]
    public async Task WaitAsync_DatapathOpensAfterThreeRounds_ConvergesOnTheFourth()
    {
        var prober = new CountingProber(openFromRound: 4);

        var result = await PolicyConvergence.WaitAsync(prober, Probes, Open, Model, Options(TimeSpan.FromMinutes(5)), TimeProvider.System, TimeProvider.System.GetTimestamp(), CancellationToken.None);

        Assert.True(result.Converged);
        Assert.Equal(4, result.Rounds);
        Assert.Equal(4, prober.Rounds);
        Assert.True(ConformanceGrader.RoundMatches(Open, result.LastRound, Model));
    }

    [Fact]
    public async Task WaitAsync_NeverOpens_StopsAtTheRoundCapWithTheLastDiff()
    {
        var prober = new CountingProber(openFromRound: int.MaxValue);

        var result = await PolicyConvergence.WaitAsync(prober, Probes, Open, Model, Options(TimeSpan.FromMinutes(5)) with { MaxRounds = 5 }, TimeProvider.System, TimeProvider.System.GetTimestamp(), CancellationToken.None);

        Assert.False(result.Converged);
        Assert.Equal(5, prober.Rounds);
        Assert.Contains(result.LastRound, r => !r.Request.Control && r.Outcome == ProbeOutcome.TimedOut);
    }

    [Fact]
    public async Task WaitAsync_ZeroTimeout_ProbesExactlyOnce()
    {
        var prober = new CountingProber(openFromRound: 2);

        var result = await PolicyConvergence.WaitAsync(prober, Probes, Open, Model, Options(TimeSpan.Zero), TimeProvider.System, TimeProvider.System.GetTimestamp(), CancellationToken.None);

        Assert.False(result.Converged);
        Assert.Equal(1, prober.Rounds);
    }

    [Fact]
    public async Task WaitAsync_UnsupportedCells_DoNotHoldConvergenceBack()
    {
        var prober = new CountingProber(openFromRound: 1) { SctpUnsupported = true };

        var result = await PolicyConvergence.WaitAsync(prober, Probes, Open, Model, Options(TimeSpan.Zero), TimeProvider.System, TimeProvider.System.GetTimestamp(), CancellationToken.None);

        Assert.True(result.Converged);
    }

    private static ConvergenceOptions Options(TimeSpan timeout) =>
        new(timeout, TimeSpan.FromMilliseconds(100)) { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(4) };

    /// <summary>Everything blocked until round <c>openFromRound</c>, everything connected from then on.</summary>
    private sealed class CountingProber(int openFromRound) : IProbeEngine
    {
        public int Rounds { get; private set; }

        public bool SctpUnsupported { get; init; }

        public Task StartListenersAsync(IReadOnlyList<ListenerSpec> listeners, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<ProbeRequest> probes, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Rounds++;
            var open = Rounds >= openFromRound;
            IReadOnlyList<ProbeResult> results = [.. probes.Select(p => new ProbeResult(
                p,
                SctpUnsupported && p.Protocol == NetpolProtocol.Sctp ? ProbeOutcome.Unsupported
                    : p.Control ? ProbeOutcome.Refused
                    : open ? ProbeOutcome.Connected : ProbeOutcome.TimedOut,
                TimeSpan.Zero))];
            return Task.FromResult(results);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
