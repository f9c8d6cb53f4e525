using System.Diagnostics;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Workloads.Tests.Processes;

public sealed class LocalRunningProcessTests
{
    [Fact]
    public async Task DisposeAsync_ProgramIgnoresSigint_IsKilledAfterTheGracePeriod()
    {
        // A server whose shutdown hangs (as a host waiting on a stuck service does) must not hang the run.
        var process = LocalProcessRunner.Instance.Start(new ProcessSpec("sh", ["-c", "trap '' INT; echo ready; while true; do sleep 1; done"]) { Timeout = Timeout.InfiniteTimeSpan });
        await process.WaitForOutputAsync(line => line == "ready", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var watch = Stopwatch.StartNew();

        await process.DisposeAsync();

        Assert.True(process.Completion.IsCompleted);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task DisposeAsync_ProgramHonoursSigint_StopsWithoutWaitingForTheGracePeriod()
    {
        var process = LocalProcessRunner.Instance.Start(new ProcessSpec("sleep", ["60"]) { Timeout = Timeout.InfiniteTimeSpan });
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var watch = Stopwatch.StartNew();

        await process.DisposeAsync();

        Assert.True(process.Completion.IsCompleted);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }
}
