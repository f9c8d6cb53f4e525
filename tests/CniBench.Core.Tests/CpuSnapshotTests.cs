using CniBench.Core.Measurements;

namespace CniBench.Core.Tests;

public sealed class CpuSnapshotTests
{
    [Fact]
    public void Since_HalfOfTotalBusy_ReportsFiftyPercent()
    {
        var at = DateTimeOffset.UnixEpoch;
        var before = new CpuSnapshot(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromSeconds(100), TimeSpan.Zero, at);
        var after = new CpuSnapshot(TimeSpan.FromSeconds(13), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(110), TimeSpan.FromSeconds(0.5), at.AddSeconds(5));

        var observations = after.Since(before).ToDictionary(o => o.Metric, o => o.Value);

        Assert.Equal(50, observations[Metrics.HostCpuPercent], 6);
        Assert.Equal(3, observations[Metrics.HostCpuUserSeconds], 6);
        Assert.Equal(1, observations[Metrics.HostCpuSoftirqSeconds], 6);
        Assert.Equal(0.5, observations[Metrics.HarnessCpuSeconds], 6);
    }

    [Fact]
    public void CoresPerGbps_OneCoreBusyAtTwoGbps_IsHalfACorePerGbps()
    {
        var at = DateTimeOffset.UnixEpoch;
        var before = new CpuSnapshot(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, at);
        var after = new CpuSnapshot(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), TimeSpan.Zero, at.AddSeconds(10));

        Assert.Equal(0.5, after.CoresPerGbps(before, 2e9)!.Value, 9);
        Assert.Null(after.CoresPerGbps(before, 0));
        Assert.Null(before.CoresPerGbps(before, 1e9));
    }
}
