using CniBench.Core.Measurements;
using CniBench.Workloads.Cpu;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests;

public sealed class ProcStatCpuSamplerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);

    // Recorded from this 2-core host: "cpu  13602 0 5481 69263 890 0 469 36 0 0".
    private static string Fixture => File.ReadAllText(TestAssets.PathOf(Path.Combine("procstat", "stat-2cpu.txt")));

    [Fact]
    public void Parse_RecordedProcStat_ReadsAggregateLineOnly()
    {
        var times = ProcStatCpuTimes.Parse(Fixture);

        Assert.Equal(new ProcStatCpuTimes(13602, 0, 5481, 69263, 890, 0, 469, 36), times);
        Assert.Equal(89741, times!.Total);
    }

    [Fact]
    public void Parse_GuestColumns_AreNotCountedTwice()
    {
        var times = ProcStatCpuTimes.Parse("cpu  100 10 50 800 5 1 4 0 30 7\ncpu0 100 10 50 800 5 1 4 0 30 7\n");

        Assert.Equal(970, times!.Total);
    }

    [Fact]
    public void Parse_FourColumnKernel_TreatsMissingColumnsAsZero()
    {
        var times = ProcStatCpuTimes.Parse("cpu 1 2 3 4\n");

        Assert.Equal(new ProcStatCpuTimes(1, 2, 3, 4, 0, 0, 0, 0), times);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpu0 1 2 3 4\nintr 5\n")]
    [InlineData("cpu  1 2 x 4 5 6 7 8\n")]
    [InlineData("cpu  1 2 3\n")]
    [InlineData("cpu  -1 2 3 4\n")]
    public void Parse_NoWellFormedAggregateLine_ReturnsNull(string text)
    {
        Assert.Null(ProcStatCpuTimes.Parse(text));
    }

    [Fact]
    public void ToSnapshot_HundredTicksPerSecond_FoldsNiceIntoUserAndIrqIntoSystem()
    {
        var times = new ProcStatCpuTimes(User: 300, Nice: 100, System: 150, Idle: 1000, Iowait: 20, Irq: 50, Softirq: 25, Steal: 5);

        var snapshot = ProcStatCpuSampler.ToSnapshot(times, 100, TimeSpan.FromSeconds(0.25), Now);

        Assert.Equal(TimeSpan.FromSeconds(4), snapshot.User);
        Assert.Equal(TimeSpan.FromSeconds(2), snapshot.System);
        Assert.Equal(TimeSpan.FromSeconds(0.25), snapshot.Softirq);
        Assert.Equal(TimeSpan.FromSeconds(16.5), snapshot.Total);
        Assert.Equal(TimeSpan.FromSeconds(0.25), snapshot.Harness);
        Assert.Equal(Now, snapshot.At);
    }

    [Fact]
    public void Read_FixtureFile_ReturnsSnapshotFromFile()
    {
        var sampler = new ProcStatCpuSampler(new FixedTimeProvider(Now), TestAssets.PathOf(Path.Combine("procstat", "stat-2cpu.txt")), 100, () => TimeSpan.FromSeconds(3));

        var snapshot = sampler.Read();

        Assert.Equal(TimeSpan.FromSeconds(136.02), snapshot.User);
        Assert.Equal(TimeSpan.FromSeconds(54.81), snapshot.System);
        Assert.Equal(TimeSpan.FromSeconds(4.69), snapshot.Softirq);
        Assert.Equal(TimeSpan.FromSeconds(897.41), snapshot.Total);
        Assert.Equal(TimeSpan.FromSeconds(3), snapshot.Harness);
        Assert.Equal(Now, snapshot.At);
    }

    [Fact]
    public void Read_FileWithoutCpuLine_ThrowsInvalidData()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnb-procstat-{Guid.NewGuid():N}");
        File.WriteAllText(path, "intr 1 2 3\n");
        try
        {
            var sampler = new ProcStatCpuSampler(new FixedTimeProvider(Now), path, 100, () => TimeSpan.Zero);

            Assert.Throws<InvalidDataException>(sampler.Read);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_RealHostAroundBusyWork_ReportsProgressAndHarnessCpu()
    {
        if (!File.Exists(ProcStatCpuSampler.DefaultPath))
        {
            Assert.Skip("no /proc/stat: not Linux");
        }

        var sampler = new ProcStatCpuSampler(TimeProvider.System);
        var before = sampler.Read();
        var deadline = DateTime.UtcNow.AddMilliseconds(300);
        var spins = 0L;
        while (DateTime.UtcNow < deadline)
        {
            spins++;
        }

        var after = sampler.Read();
        var observations = after.Since(before).ToDictionary(o => o.Metric, o => o.Value);

        Assert.True(spins > 0);
        Assert.True(after.Total > before.Total, "host CPU time must advance over 300 ms");
        Assert.InRange(observations[Metrics.HostCpuPercent], 1, 100);
        Assert.True(observations[Metrics.HarnessCpuSeconds] >= 0.05, "the spin loop is harness CPU");
    }
}
