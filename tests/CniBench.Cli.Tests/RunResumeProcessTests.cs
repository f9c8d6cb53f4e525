using CniBench.Core.Measurements;
using CniBench.Lab;
using CniBench.Processes;
using CniBench.Results;

namespace CniBench.Cli.Tests;

/// <summary>
/// <c>run --resume</c> against the real thing: a run killed with SIGKILL mid-measurement, resumed, must end with
/// the same set of rows as a run that was never interrupted.
/// </summary>
[Collection(LabRunCollection.Name)]
public sealed class RunResumeProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Resume_AfterSigkill_EndsWithTheRowsOfAnUninterruptedRun()
    {
        if (!Environment.IsPrivilegedProcess || ToolPackages.Which("iperf3") is null || ToolPackages.Which("ip") is null)
        {
            Assert.Skip("needs root, ip and iperf3: the run builds network-namespace labs");
        }

        var scenario = _temp.WriteFile("resume.yaml", Scenarios.Tcp("resume", ["flannel", "calico"], 2, 1));
        var killedOut = _temp.Folder("killed");
        var wholeOut = _temp.Folder("whole");
        await using var killed = new RunTracker(killedOut);
        await using var whole = new RunTracker(wholeOut);
        try
        {
            await using (var cli = CliProcess.Start(Options(), Run(scenario, killedOut)))
            {
                // Two measurements done and the third under way: the kill lands mid-run.
                await Wait.UntilAsync(() => killed.DataLines().Count >= 2, TimeSpan.FromSeconds(90), () => $"no rows yet:\n{cli.Output}", Token);
                cli.Crash();
                await cli.WaitForExitAsync(TimeSpan.FromSeconds(10), Token);
            }

            // What SIGKILL in the middle of a write leaves: a torn last line.
            await File.AppendAllTextAsync(killed.MeasurementsCsv, "run,lab,calico,tcp,1-str", Token);
            var before = MeasurementCsvReader.Read(new StringReader(string.Join('\n', File.ReadAllLines(killed.MeasurementsCsv).SkipLast(1)) + "\n"), "before");

            await using (var resumed = CliProcess.Start(Options(), ["run", "--resume", killed.RunDirectory!, "--manifests", TestPaths.ManifestsDirectory]))
            {
                var code = await resumed.WaitForExitAsync(TimeSpan.FromSeconds(120), Token);
                Assert.True(code == 0, $"resume exited {code}:\n{resumed.Output}");
                Assert.Contains("resuming", resumed.Output, StringComparison.Ordinal);
                Assert.Contains("dropped a torn last line", OutputText.Flat(resumed.Output), StringComparison.Ordinal);
            }

            await using (var cli = CliProcess.Start(Options(), Run(scenario, wholeOut)))
            {
                var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(120), Token);
                Assert.True(code == 0, $"uninterrupted run exited {code}:\n{cli.Output}");
            }

            var after = MeasurementCsvReader.Read(killed.MeasurementsCsv);
            var reference = MeasurementCsvReader.Read(whole.MeasurementsCsv);
            Assert.Equal(Identities(reference), Identities(after));
            Assert.Equal(after.Count, Identities(after).Count);
            Assert.Contains(after, r => r.Metric == Metrics.ThroughputBps && r.Status == MeasurementStatus.Ok);

            // Rows measured before the kill survive unchanged, except the last measurement, which ran again.
            var last = before[^1].Key;
            Assert.All(before.Where(r => r.Key != last), r => Assert.Contains(r, after));
            Assert.Empty(HostLabs.Namespaces(killed.Prefix!));
        }
        finally
        {
            foreach (var prefix in new[] { killed.Prefix, whole.Prefix }.OfType<string>())
            {
                await new LabJanitor().DownAsync(prefix, CancellationToken.None);
            }
        }
    }

    private static SortedSet<string> Identities(IEnumerable<Measurement> rows) =>
        new(rows.Select(r => $"{r.Key}/{r.Metric}/{r.Status}"), StringComparer.Ordinal);

    private CliProcessOptions Options() => new() { WorkingDirectory = _temp.Path };

    private static string[] Run(string scenario, string outRoot) => ["run", scenario, "--out", outRoot, "--manifests", TestPaths.ManifestsDirectory];
}
