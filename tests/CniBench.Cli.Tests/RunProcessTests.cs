using System.Diagnostics;
using System.Text.Json;
using CniBench.Core.Measurements;
using CniBench.Lab;
using CniBench.Processes;
using CniBench.Results;

namespace CniBench.Cli.Tests;

/// <summary>
/// The built CLI as a child process, faults included: not root, iperf3 missing, Ctrl-C mid-run, a crash and the
/// clean-up after it, and one full quick run. The tests of one class run one after another, so the runs never
/// compete with each other for the two cores; each removes what its run made, even when it fails.
/// </summary>
[Collection(LabRunCollection.Name)]
public sealed class RunProcessTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly TempFolder _temp = new();
    private readonly string _out;

    public RunProcessTests()
    {
        _out = _temp.Folder("results");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_NotRoot_ExitsEnvironmentSayingRootIsNeeded()
    {
        RequireRoot("it drops to user nobody with setpriv");
        if (ToolPackages.Which("setpriv") is null)
        {
            Assert.Skip("setpriv (util-linux) is needed to run the CLI as nobody");
        }

        var scenario = _temp.WriteFile("tiny.yaml", Scenarios.Tcp("tiny", ["flannel"], 1, 1));
        var home = _temp.Folder("home");
        var options = new CliProcessOptions
        {
            AsNobody = true,
            WorkingDirectory = _temp.Path,
            Environment = new Dictionary<string, string?> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home },
        };

        await using var cli = CliProcess.Start(options, Run(scenario));
        var code = await cli.WaitForExitAsync(ExitTimeout, Token);

        Assert.True(code == ExitCodes.Environment, $"exit {code}:\n{cli.Output}");
        Assert.Contains("the lab needs root", OutputText.Flat(cli.Output), StringComparison.Ordinal);
        AssertNothingCreated(cli);
    }

    [Fact]
    public async Task Run_Iperf3NotOnPath_ExitsEnvironmentNamingThePackage()
    {
        RequireRoot("the missing-tool check comes after the root check");
        var bin = _temp.Folder("bin");
        foreach (var tool in new[] { "ip", "nft", "sysctl" })
        {
            if (ToolPackages.Which(tool) is { } path)
            {
                File.CreateSymbolicLink(Path.Combine(bin, tool), path);
            }
        }

        // ToolPackages also looks in /usr/sbin and /sbin: iperf3 must not be there for this to mean anything.
        if (File.Exists("/usr/sbin/iperf3") || File.Exists("/sbin/iperf3"))
        {
            Assert.Skip("iperf3 is installed in an sbin folder, which the CLI always searches");
        }

        var scenario = _temp.WriteFile("tiny.yaml", Scenarios.Tcp("tiny", ["flannel"], 1, 1));
        var options = new CliProcessOptions { WorkingDirectory = _temp.Path, Environment = new Dictionary<string, string?> { ["PATH"] = bin } };

        await using var cli = CliProcess.Start(options, Run(scenario));
        var code = await cli.WaitForExitAsync(ExitTimeout, Token);

        Assert.True(code == ExitCodes.Environment, $"exit {code}:\n{cli.Output}");
        Assert.Contains("'iperf3' is not installed: apt-get install iperf3", OutputText.Flat(cli.Output), StringComparison.Ordinal);
        Assert.DoesNotContain("'ip' is not installed", OutputText.Flat(cli.Output), StringComparison.Ordinal);
        AssertNothingCreated(cli);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Run_SignalMidRun_Exits130KeepingRowsAndLeavingNothing(string signal)
    {
        RequireLabHost();
        var scenario = _temp.WriteFile("interrupt.yaml", Scenarios.Tcp("interrupt", ["flannel"], 3, 3));
        await using var tracker = new RunTracker(_out);
        try
        {
            await using var cli = CliProcess.Start(RootOptions(), Run(scenario));
            await Wait.UntilAsync(() => tracker.DataLines().Count >= 1, TimeSpan.FromSeconds(45), () => $"no measurement row yet:\n{cli.Output}", Token);
            await Wait.UntilAsync(() => tracker.SeenIperf3.Count >= 1 || tracker.DataLines().Count >= 2, TimeSpan.FromSeconds(10), () => "no iperf3 seen in the lab", Token);
            var before = tracker.DataLines();

            await cli.SignalAsync(signal, Token);
            var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(30), Token);

            Assert.True(code == ExitCodes.Interrupted, $"exit {code}:\n{cli.Output}");
            Assert.Contains("interrupted", OutputText.Flat(cli.Output), StringComparison.Ordinal);
            var after = tracker.DataLines();
            Assert.True(after.Count >= before.Count && after.Take(before.Count).SequenceEqual(before), $"rows measured before SIG{signal} were lost:\nbefore:\n{string.Join('\n', before)}\nafter:\n{string.Join('\n', after)}");
            // 6 measurements of 3 s were planned: an interrupted run must have stopped well short of them.
            var rows = MeasurementCsvReader.Read(tracker.MeasurementsCsv);
            Assert.True(rows.Select(r => r.Key).Distinct().Count() < 6, $"the run did not stop early:\n{cli.Output}");
            Assert.All(rows, r => Assert.Equal(MeasurementStatus.Ok, r.Status));
            Assert.NotEmpty(tracker.SeenNamespaces);
            Log(tracker, $"{before.Count} rows before SIG{signal}, {after.Count} after");
            AssertRunLeftNothing(tracker);
        }
        finally
        {
            await CleanUpAsync(tracker);
        }
    }

    [Fact]
    public async Task Run_SigintTwiceDuringLabBringUp_Exits130AndLeavesNothing()
    {
        RequireLabHost();
        var scenario = _temp.WriteFile("bring-up.yaml", Scenarios.Tcp("bring-up", ["flannel", "calico"], 1, 3));
        await using var tracker = new RunTracker(_out);
        try
        {
            await using var cli = CliProcess.Start(RootOptions(), Run(scenario));
            await Wait.UntilAsync(() => tracker.Prefix is { } prefix && HostLabs.Namespaces(prefix).Count > 0, TimeSpan.FromSeconds(30), () => $"no lab namespace yet:\n{cli.Output}", Token);

            // The first signal starts the clean-up; an impatient second one must not cut it short.
            await cli.SignalAsync("INT", Token);
            await Task.Delay(TimeSpan.FromMilliseconds(50), Token);
            await cli.SignalAsync("INT", Token);
            var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(30), Token);

            Assert.True(code == ExitCodes.Interrupted, $"exit {code}:\n{cli.Output}");
            Assert.True(tracker.DataLines().Count <= 7, $"the run went on measuring after SIGINT:\n{cli.Output}");
            Log(tracker, $"{tracker.DataLines().Count} rows when interrupted");
            AssertRunLeftNothing(tracker);
        }
        finally
        {
            await CleanUpAsync(tracker);
        }
    }

    [Fact]
    public async Task Run_AfterAnotherRunWasKilled_StartUpSweepRemovesTheDeadRunsLab()
    {
        RequireLabHost();
        var crashOut = _temp.Folder("crashed");
        await using var crashed = new RunTracker(crashOut);
        await using var tracker = new RunTracker(_out);
        try
        {
            var first = _temp.WriteFile("first.yaml", Scenarios.Tcp("first", ["flannel"], 3, 3));
            await using (var cli = CliProcess.Start(RootOptions(), ["run", first, "--out", crashOut, "--manifests", TestPaths.ManifestsDirectory]))
            {
                await Wait.UntilAsync(() => crashed.SeenIperf3.Count >= 1, TimeSpan.FromSeconds(45), () => $"no iperf3 in the lab yet:\n{cli.Output}", Token);
                cli.Crash();
                await cli.WaitForExitAsync(TimeSpan.FromSeconds(10), Token);
            }

            var dead = crashed.Prefix!;
            Assert.NotEmpty(HostLabs.Namespaces(dead));

            var second = _temp.WriteFile("second.yaml", Scenarios.Tcp("second", ["flannel"], 1, 1, underlay: false));
            await using var sweeper = CliProcess.Start(RootOptions(), Run(second));
            var code = await sweeper.WaitForExitAsync(ExitTimeout, Token);

            Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{sweeper.Output}");
            Assert.Contains($"removed stale lab {dead}-flannel", OutputText.Flat(sweeper.Output), StringComparison.Ordinal);
            Assert.Contains($"removed stale lab {dead}-underlay", OutputText.Flat(sweeper.Output), StringComparison.Ordinal);
            Assert.Empty(HostLabs.Namespaces(dead));
            Assert.Empty(HostLabs.StateFiles(dead));
            Assert.DoesNotContain(crashed.SeenIperf3, pid => HostLabs.IsAlive(pid, "iperf3"));
            Log(tracker, $"swept {dead} (iperf3 {string.Join(", ", crashed.SeenIperf3)})");
            AssertRunLeftNothing(tracker);
        }
        finally
        {
            await CleanUpAsync(crashed);
            await CleanUpAsync(tracker);
        }
    }

    [Fact]
    public async Task Run_KilledThenLabDown_RemovesNamespacesStateAndProcesses()
    {
        RequireLabHost();
        var scenario = _temp.WriteFile("crash.yaml", Scenarios.Tcp("crash", ["flannel"], 3, 3));
        await using var tracker = new RunTracker(_out);
        Process? planted = null;
        try
        {
            await using (var cli = CliProcess.Start(RootOptions(), Run(scenario)))
            {
                await Wait.UntilAsync(() => tracker.SeenIperf3.Count >= 1, TimeSpan.FromSeconds(45), () => $"no iperf3 in the lab yet:\n{cli.Output}", Token);
                cli.Crash();
                await cli.WaitForExitAsync(TimeSpan.FromSeconds(10), Token);
            }

            var prefix = tracker.Prefix!;
            var left = HostLabs.Namespaces(prefix);
            Assert.NotEmpty(left);
            Assert.NotEmpty(HostLabs.StateFiles(prefix));

            // A crash mid-measurement leaves servers behind; plant one that never ends, so the check below
            // does not depend on whether the run's own iperf3 processes had finished by themselves.
            var pod = left.First(ns => ns.EndsWith("-p1", StringComparison.Ordinal));
            planted = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", pod, "iperf3", "-s", "-p", "5299"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
            await Wait.UntilAsync(() => HostLabs.Iperf3Inside(prefix).Contains(planted.Id), TimeSpan.FromSeconds(10), () => "the planted iperf3 did not start", Token);
            var processes = tracker.SeenIperf3.Append(planted.Id).Distinct().ToList();

            await using var down = CliProcess.Start(RootOptions(), "lab", "down", prefix);
            var code = await down.WaitForExitAsync(ExitTimeout, Token);

            Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{down.Output}");
            Assert.Contains($"{prefix}-flannel", OutputText.Flat(down.Output), StringComparison.Ordinal);
            Assert.Contains($"{prefix}-underlay", OutputText.Flat(down.Output), StringComparison.Ordinal);
            Assert.Empty(HostLabs.Namespaces(prefix));
            Assert.Empty(HostLabs.StateFiles(prefix));
            Assert.DoesNotContain(processes, pid => HostLabs.IsAlive(pid, "iperf3"));
            Log(tracker, $"after the crash: {left.Count} namespaces left; lab down stopped iperf3 {string.Join(", ", processes)}");
        }
        finally
        {
            if (planted is { HasExited: false })
            {
                planted.Kill();
            }

            planted?.Dispose();
            await CleanUpAsync(tracker);
        }
    }

    [Fact]
    public async Task Run_QuickScenarioWithFlannelAndCalico_WritesEveryResultAndLeavesNothing()
    {
        RequireLabHost();
        var scenario = _temp.WriteFile("quick.yaml", Scenarios.Tcp("cli-quick", ["flannel", "calico"], 1, 2));
        await using var tracker = new RunTracker(_out);
        try
        {
            await using var cli = CliProcess.Start(RootOptions(), Run(scenario));
            var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(90), Token);

            Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{cli.Output}");
            var run = tracker.RunDirectory!;
            using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFolder.RunJson))))
            {
                Assert.Equal(tracker.RunId, json.RootElement.GetProperty("runId").GetString());
                Assert.Equal("cli-quick", json.RootElement.GetProperty("scenarioName").GetString());
                Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("endedAt").ValueKind);
            }

            var rows = MeasurementCsvReader.Read(Path.Combine(run, RunFolder.MeasurementsCsv));
            foreach (var cni in new[] { Underlay.Name, "flannel", "calico" })
            {
                var throughput = rows.Where(r => r.Cni == cni && r.Metric == Metrics.ThroughputBps).ToList();
                var row = Assert.Single(throughput);
                Assert.Equal(MeasurementStatus.Ok, row.Status);
                Assert.True(row.Value > 1e6, $"{cni}: {row.Value} bit/s is not a real TCP figure");
                Assert.True(File.Exists(Path.Combine(run, row.RawFile!)), $"{cni}: raw file {row.RawFile} missing");
            }

            var summary = File.ReadAllLines(Path.Combine(run, RunFolder.SummaryCsv));
            Assert.Contains(summary, l => l.Contains("calico", StringComparison.Ordinal) && l.Contains(Metrics.ThroughputBps, StringComparison.Ordinal));
            var charts = Path.Combine(run, RunFolder.ChartsDirectory);
            Assert.NotEmpty(Directory.GetFiles(charts, "*.png"));
            Assert.NotEmpty(Directory.GetFiles(charts, "*.svg"));
            var raw = Directory.GetFiles(Path.Combine(run, RunFolder.RawDirectory), "*.json", SearchOption.AllDirectories);
            Assert.True(raw.Length >= 3, $"expected a raw iperf3 JSON per measurement, found {raw.Length}");
            Assert.All(raw, f =>
            {
                using var json = JsonDocument.Parse(File.ReadAllText(f));
                Assert.True(json.RootElement.TryGetProperty("end", out _), $"{f} is not iperf3 -J output");
            });
            Log(tracker, $"{rows.Count} rows, {raw.Length} raw files");
            Assert.Equal(2, tracker.SeenNamespaces.Select(LabOf).Distinct().Count(l => l.EndsWith("-flannel", StringComparison.Ordinal) || l.EndsWith("-calico", StringComparison.Ordinal)));
            AssertRunLeftNothing(tracker);
        }
        finally
        {
            await CleanUpAsync(tracker);
        }
    }

    [Fact]
    public async Task Run_NetpolScenario_CalicoPassesDenyCaseFlannelFailsItAndTablesAreWritten()
    {
        RequireLabHost();
        var suite = Path.Combine(TestPaths.RepositoryRoot, "manifests", "netpol");
        var scenario = _temp.WriteFile("netpol.yaml", Scenarios.Netpol("cli-netpol", ["flannel", "calico"], suite, ["01-deny-all-ingress", "04-allow-all-ingress"]));
        await using var tracker = new RunTracker(_out);
        try
        {
            await using var cli = CliProcess.Start(RootOptions(), Run(scenario));
            var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(90), Token);

            Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{cli.Output}");
            var run = tracker.RunDirectory!;
            var passes = MeasurementCsvReader.Read(Path.Combine(run, RunFolder.MeasurementsCsv))
                .Where(r => r.Metric == "case_pass")
                .ToDictionary(r => (r.Cni, r.Variant), r => r.Value);
            Assert.Equal(1, passes[("calico", "01-deny-all-ingress")]);
            Assert.Equal(0, passes[("flannel", "01-deny-all-ingress")]);
            Assert.Equal(1, passes[("calico", "04-allow-all-ingress")]);
            Assert.Equal(1, passes[("flannel", "04-allow-all-ingress")]);
            var table = File.ReadAllText(Path.Combine(run, "netpol", "flannel", "01-deny-all-ingress-r1.txt"));
            Assert.Contains("FAIL", table, StringComparison.Ordinal);
            Assert.Contains("80/TCP diff", table, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(run, RunFolder.ChartsDirectory, "netpol-conformance.png")));
            AssertRunLeftNothing(tracker);
        }
        finally
        {
            await CleanUpAsync(tracker);
        }
    }

    private static void Log(RunTracker tracker, string text) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"run {tracker.RunId}: {text}; seen {tracker.SeenNamespaces.Count} namespaces, iperf3 pids [{string.Join(", ", tracker.SeenIperf3)}]");

    private string[] Run(string scenario) => ["run", scenario, "--out", _out, "--manifests", TestPaths.ManifestsDirectory];

    private CliProcessOptions RootOptions() => new() { WorkingDirectory = _temp.Path };

    private void AssertNothingCreated(CliProcess cli)
    {
        Assert.True(Directory.GetFileSystemEntries(_out).Length == 0, $"created {string.Join(", ", Directory.GetFileSystemEntries(_out))}\n{cli.Output}");
        Assert.Empty(HostLabs.StateFilesOwnedBy(cli.Pid));
    }

    private static void AssertRunLeftNothing(RunTracker tracker)
    {
        var prefix = tracker.Prefix ?? throw new InvalidOperationException("the run never made its results folder");
        Assert.Empty(HostLabs.Namespaces(prefix));
        Assert.Empty(HostLabs.StateFiles(prefix));
        Assert.DoesNotContain(tracker.SeenIperf3, pid => HostLabs.IsAlive(pid, "iperf3"));
    }

    /// <summary>The lab a namespace belongs to: cnb-3fa2-flannel-n1-p2 → cnb-3fa2-flannel.</summary>
    private static string LabOf(string ns) => string.Join('-', ns.Split('-').Take(3));

    /// <summary>Whatever the test's outcome, nothing of its run may stay on the host.</summary>
    private static async Task CleanUpAsync(RunTracker tracker)
    {
        if (tracker.Prefix is { } prefix && (HostLabs.Namespaces(prefix).Count > 0 || HostLabs.StateFiles(prefix).Count > 0))
        {
            await new LabJanitor().DownAsync(prefix, CancellationToken.None);
        }
    }

    private static void RequireRoot(string why)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip($"needs root: {why}");
        }
    }

    private static void RequireLabHost()
    {
        RequireRoot("the run builds network-namespace labs");
        foreach (var tool in new[] { "ip", "iperf3" })
        {
            if (ToolPackages.Which(tool) is null)
            {
                Assert.Skip($"a lab run needs {tool}");
            }
        }
    }
}
