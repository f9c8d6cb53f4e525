using CniBench.Lab.Telemetry;

namespace CniBench.Lab.Tests.Telemetry;

public sealed class DaemonCpuTelemetryTests
{
    [Fact]
    public void CpuTicks_CommandNameWithSpacesAndParentheses_ReadsUtimePlusStime()
    {
        // Fields 14 and 15 (utime 1234, stime 567) of a real /proc/<pid>/stat layout, with an awkward comm.
        const string stat = "4242 (wire guard) go) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 8 0 100 0 0";

        Assert.Equal(1801, DaemonCpuTelemetry.CpuTicks(stat));
    }

    [Fact]
    public void CpuTicks_Truncated_IsNull()
    {
        Assert.Null(DaemonCpuTelemetry.CpuTicks("4242 (x) S 1 2"));
        Assert.Null(DaemonCpuTelemetry.CpuTicks("garbage"));
    }

    [Fact]
    public void ParsePids_IpNetnsPidsOutput_SkipsBlankAndJunkLines()
    {
        Assert.Equal([12, 345], DaemonCpuTelemetry.ParsePids("12\n\n345\nnot-a-pid\n"));
    }

    [Fact]
    public async Task EndAsync_ThisProcessBusyInTheWindow_ReportsItsCpu()
    {
        // The host runner lists this test process as the only "daemon"; it spins for a while inside the window.
        var runner = new ListingRunner(Environment.ProcessId);
        var telemetry = new DaemonCpuTelemetry(["cnb-node"], runner, TimeProvider.System);

        var window = await telemetry.BeginAsync(TestContext.Current.CancellationToken);
        var spin = System.Diagnostics.Stopwatch.StartNew();
        var x = 0.0;
        while (spin.ElapsedMilliseconds < 300)
        {
            x += Math.Sqrt(x + 1);
        }

        var result = await window.EndAsync(TestContext.Current.CancellationToken);

        var cpu = Assert.Single(result.Observations);
        Assert.Equal(CniBench.Core.Measurements.Metrics.DaemonCpuPercent, cpu.Metric);
        Assert.True(cpu.Value > 0, $"spinning for 300 ms counted {cpu.Value}% ({x})");
        Assert.Equal(["ip", "netns", "pids", "cnb-node"], runner.Calls.Single());
    }

    private sealed class ListingRunner(int pid) : CniBench.Core.Processes.IProcessRunner
    {
        public List<string[]> Calls { get; } = [];

        public Task<CniBench.Core.Processes.ProcessResult> RunAsync(CniBench.Core.Processes.ProcessSpec spec, CancellationToken cancellationToken)
        {
            Calls.Add([spec.Program, .. spec.Arguments]);
            return Task.FromResult(new CniBench.Core.Processes.ProcessResult(0, $"{pid}\n", "", TimeSpan.Zero));
        }

        public CniBench.Core.Processes.IRunningProcess Start(CniBench.Core.Processes.ProcessSpec spec) => throw new NotSupportedException();
    }
}
