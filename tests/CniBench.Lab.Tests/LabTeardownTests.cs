using System.Diagnostics;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab.Tests;

/// <summary>
/// Teardown on a host as it really is: folders that do not exist yet (a fresh host), a step that fails, a lab the
/// sweep cannot remove. Every step must run, and what is left must be named, never silently kept.
/// </summary>
public sealed class LabTeardownTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ClusterShape Small => ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 };

    [Fact]
    public void DeleteFile_FolderDoesNotExist_Succeeds()
    {
        // /run/wireguard is missing on a host where no wireguard-go has run; File.Delete throws there.
        var missing = Path.Combine(Path.GetTempPath(), "cnibench-absent-" + Guid.NewGuid().ToString("N"), "cnbwg00000000.sock");

        HostPaths.DeleteFile(missing);
        HostPaths.DeleteDirectory(Path.GetDirectoryName(missing)!);

        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task RemainsAsync_KeyFolderOfTheRunIsLeft_NamesItAndTheCommandThatRemovesIt()
    {
        var keyRoot = Path.Combine(Path.GetTempPath(), "cnibench-remains-" + Guid.NewGuid().ToString("N"));
        var prefix = LabNames.NewRunPrefix();
        var left = Directory.CreateDirectory(Path.Combine(keyRoot, $"{prefix}-calico.wg"));
        Directory.CreateDirectory(Path.Combine(keyRoot, $"{LabNames.NewRunPrefix()}x-flannel"));
        try
        {
            var janitor = new LabJanitor(new() { StateDirectory = Path.Combine(keyRoot, "no-states"), KeyDirectory = keyRoot, Scope = prefix });

            var remains = Assert.Single(await janitor.RemainsAsync(prefix, Token));

            Assert.Equal($"{prefix}-calico.wg", remains.Lab);
            Assert.Equal([left.FullName], remains.Files);
            Assert.Contains($"cnibench lab down {prefix}-calico.wg", remains.Describe(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(keyRoot, recursive: true);
        }
    }

    [Fact]
    public async Task RemoveAsync_NamespaceDeletionFails_StillRemovesProcessesStateAndKeysAndNamesWhatRemains()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options).CreateAsync(new ClusterRequest("flannel", Small), null, Token);
        var keys = Directory.CreateDirectory(cluster.Footprint.KeyDirectory).FullName;
        await using var sleeper = new NetnsProcessRunner(cluster.Namespaces[^1], LocalProcessRunner.Instance)
            .Start(new ProcessSpec("sleep", ["60"]) { Timeout = Timeout.InfiniteTimeSpan });
        try
        {
            // 'ip netns exec' enters the namespace a moment after it starts; until then teardown cannot see it there.
            using (var entered = CancellationTokenSource.CreateLinkedTokenSource(Token))
            {
                entered.CancelAfter(TimeSpan.FromSeconds(10));
                while (LabTeardown.Inspect(cluster.Footprint).Processes.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), entered.Token);
                }
            }

            var failing = new FailingRunner(spec => spec.StandardInput?.Contains("netns del", StringComparison.Ordinal) == true);

            var error = await Assert.ThrowsAsync<LabTeardownException>(() => LabTeardown.RemoveAsync(cluster.Footprint, failing, TimeProvider.System));

            Assert.Equal(cluster.Namespaces.Order(StringComparer.Ordinal), error.Remains.Namespaces.Order(StringComparer.Ordinal));
            Assert.Empty(error.Remains.Processes);
            // Killed by the first step: its exit is reaped shortly after (a sleep 60 left alone would hold the wait).
            await sleeper.Completion.WaitAsync(TimeSpan.FromSeconds(20), Token);
            Assert.False(File.Exists(new LabStateStore(options.StateDirectory).PathOf(cluster.Name)), "the state file step did not run");
            Assert.False(Directory.Exists(keys), "the key step did not run");
            Assert.Contains("deleting namespaces", error.Message, StringComparison.Ordinal);
            Assert.Contains($"cnibench lab down {cluster.Name}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await LabTeardown.RemoveAsync(cluster.Footprint, LocalProcessRunner.Instance, TimeProvider.System);
        }

        Assert.True(LabTeardown.Inspect(cluster.Footprint).IsEmpty);
    }

    [Fact]
    public async Task SweepStaleAsync_OneStaleLabCannotBeRemoved_RemovesTheOthersAndReportsIt()
    {
        TestSupport.RequireLabHost();
        var options = TestSupport.NewOptions();
        var store = new LabStateStore(options.StateDirectory);
        var stuck = await new LabProvider(TestSupport.Catalog, options).CreateAsync(new ClusterRequest("flannel", Small), null, Token);
        var stale = await new LabProvider(TestSupport.Catalog, options).CreateAsync(new ClusterRequest("calico", Small), null, Token);
        try
        {
            var deadPid = ExitedProcessId();
            foreach (var lab in new[] { stuck, stale })
            {
                var state = store.ReadAll().Single(s => s.Lab == lab.Name).State!;
                await store.WriteAsync(state with { OwnerPid = deadPid, OwnerStartTicks = 1 }, Token);
            }

            var failing = new FailingRunner(spec => spec.StandardInput?.Contains($"netns del {stuck.Name}-", StringComparison.Ordinal) == true);
            var janitor = new LabJanitor(new() { StateDirectory = options.StateDirectory, Scope = options.RunPrefix, Runner = failing });

            var swept = await janitor.SweepStaleAsync(Token);

            Assert.Equal([stale.Name], swept.Removed);
            var failure = Assert.Single(swept.Failed);
            Assert.Equal(stuck.Name, failure.Remains.Lab);
            Assert.NotEmpty(failure.Remains.Namespaces);
            Assert.True(LabTeardown.Inspect(stale.Footprint).IsEmpty);
        }
        finally
        {
            var down = await new LabJanitor(new() { StateDirectory = options.StateDirectory, Scope = options.RunPrefix }).DownAsync(null, CancellationToken.None);
            Assert.Empty(down.Failed);
        }

        Assert.True(LabTeardown.Inspect(stuck.Footprint).IsEmpty);
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    /// <summary>The real runner, except that commands matching <paramref name="fails"/> fail without running (as a busy kernel or a bug would).</summary>
    private sealed class FailingRunner(Func<ProcessSpec, bool> fails) : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
            fails(spec)
                ? Task.FromResult(new ProcessResult(1, "", "injected failure: Device or resource busy", TimeSpan.Zero))
                : LocalProcessRunner.Instance.RunAsync(spec, cancellationToken);

        public IRunningProcess Start(ProcessSpec spec) => LocalProcessRunner.Instance.Start(spec);
    }
}
