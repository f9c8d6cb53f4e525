using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Workloads.Tests.Processes;

public sealed class LocalRunningProcessTests
{
    [Fact]
    public async Task DisposeAsync_ProgramIgnoresSigint_IsKilledAfterTheGracePeriod()
    {
        // A server whose shutdown hangs (as a host waiting on a stuck service does) must not hang the run.
        var process = StartShell("trap 'echo ignoring-INT' INT");
        await process.WaitForOutputAsync(line => line == "ready", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await process.DisposeAsync();

        var result = await process.Completion;
        Assert.Contains("ignoring-INT", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(process.KilledAfterGracePeriod, $"SIGINT was enough for a program that ignores it; output:\n{result.StandardOutput}");
    }

    [Fact]
    public async Task DisposeAsync_ProgramHonoursSigint_StopsWithoutWaitingForTheGracePeriod()
    {
        var process = StartShell("trap 'echo got-INT; exit 0' INT");
        await process.WaitForOutputAsync(line => line == "ready", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await process.DisposeAsync();

        var result = await process.Completion;
        Assert.Contains("got-INT", result.StandardOutput, StringComparison.Ordinal);
        Assert.False(process.KilledAfterGracePeriod, $"SIGKILL was sent although the program exits on SIGINT; output:\n{result.StandardOutput}");
    }

    /// <summary>
    /// A shell that says "ready" once <paramref name="trap"/> is set, then idles. env --default-signal restores SIGINT
    /// first: a shell cannot trap a signal ignored on entry (POSIX), and a test host started with `&` from a
    /// non-interactive shell (a script, a CI step) passes SIGINT down ignored. A plain `sleep` then outlives SIGINT and
    /// is killed after the grace period: run that way, the old version of these tests failed with "took 00:00:05.0".
    /// </summary>
    private static LocalRunningProcess StartShell(string trap) =>
        Assert.IsType<LocalRunningProcess>(LocalProcessRunner.Instance.Start(
            new ProcessSpec("env", ["--default-signal=INT", "sh", "-c", $"{trap}; echo ready; while true; do sleep 1; done"]) { Timeout = Timeout.InfiniteTimeSpan }));
}
