using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Core.Tests.Measurements;

public sealed class HostIdleCheckTests
{
    private static readonly IdleCheckSpec Spec = new() { MaxWait = TimeSpan.FromSeconds(2), Window = TimeSpan.FromMilliseconds(500), BusyBelowPercent = 20 };

    [Fact]
    public async Task WaitAsync_QuietHost_IsIdleAfterOneWindow()
    {
        var (time, cpu) = Host(busyShares: [0.05]);

        var result = await Run(time, cpu);

        Assert.Equal((true, TimeSpan.FromMilliseconds(500)), (result.Idle, result.Waited));
        Assert.Equal(5, result.BusyPercent, 6);
    }

    [Fact]
    public async Task WaitAsync_HostQuietensAfterABusyWindow_WaitsForIt()
    {
        var (time, cpu) = Host(busyShares: [0.9, 0.6, 0.1]);

        var result = await Run(time, cpu);

        Assert.Equal((true, TimeSpan.FromMilliseconds(1500)), (result.Idle, result.Waited));
        Assert.Equal(10, result.BusyPercent, 6);
    }

    [Fact]
    public async Task WaitAsync_HostStaysBusy_TimesOutAtTheBoundWithTheLastShare()
    {
        var (time, cpu) = Host(busyShares: [1.0]);

        var result = await Run(time, cpu);

        Assert.Equal((false, TimeSpan.FromSeconds(2)), (result.Idle, result.Waited));
        Assert.Equal(100, result.BusyPercent, 6);
    }

    [Fact]
    public async Task WaitAsync_ShareAtTheThreshold_IsNotYetIdle()
    {
        var (time, cpu) = Host(busyShares: [0.2, 0.19]);

        var result = await Run(time, cpu);

        Assert.Equal((true, TimeSpan.FromSeconds(1)), (result.Idle, result.Waited));
    }

    [Fact]
    public async Task WaitAsync_NoWaitAllowed_ReadsOneWindowAndReportsTheBusyHost()
    {
        var (time, cpu) = Host(busyShares: [0.8, 0.0]);
        var check = new HostIdleCheck(cpu, time, Spec with { MaxWait = TimeSpan.Zero }).WaitAsync(TestContext.Current.CancellationToken);

        while (!check.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var result = await check;
        Assert.Equal((false, TimeSpan.FromMilliseconds(500)), (result.Idle, result.Waited));
        Assert.Equal(80, result.BusyPercent, 6);
    }

    [Fact]
    public void ToObservations_TimedOut_RecordsNotIdleTheWaitAndTheShare()
    {
        var observations = new IdleCheckResult(false, TimeSpan.FromSeconds(10), 87.5).ToObservations();

        Assert.Equal(
            [(Metrics.IdleCheckIdle, 0.0), (Metrics.IdleCheckWaitSeconds, 10.0), (Metrics.IdleCheckBusyPercent, 87.5)],
            observations.Select(o => (o.Metric, o.Value)));
    }

    private static async Task<IdleCheckResult> Run(FakeTimeProvider time, ICpuSampler cpu)
    {
        var check = new HostIdleCheck(cpu, time, Spec).WaitAsync(TestContext.Current.CancellationToken);
        while (!check.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        return await check;
    }

    /// <summary>A two-core host whose busy share is constant within each 500 ms window, the last share held after the list.</summary>
    private static (FakeTimeProvider Time, ICpuSampler Cpu) Host(double[] busyShares)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        return (time, new ScriptedCpu(time, busyShares));
    }

    private sealed class ScriptedCpu(TimeProvider time, double[] busyShares) : ICpuSampler
    {
        public CpuSnapshot Read()
        {
            var elapsed = time.GetUtcNow() - DateTimeOffset.UnixEpoch;
            var busy = TimeSpan.Zero;
            for (var window = 0; window * 500 < elapsed.TotalMilliseconds; window++)
            {
                var length = TimeSpan.FromMilliseconds(Math.Min(500, elapsed.TotalMilliseconds - (window * 500)));
                busy += length * 2 * busyShares[Math.Min(window, busyShares.Length - 1)];
            }

            return new CpuSnapshot(busy, TimeSpan.Zero, TimeSpan.Zero, elapsed * 2, TimeSpan.Zero, time.GetUtcNow());
        }
    }
}
