using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Lab;
using CniBench.Processes;
using CniBench.Results;

namespace CniBench.Cli.Tests;

/// <summary>
/// A run on a host where CniBench never ran: an empty /run, so no /run/wireguard, no state folder, no /run/netns.
/// A used machine hides every assumption that an earlier run's folder exists; this test cannot be fooled that way.
/// </summary>
[Collection(LabRunCollection.Name)]
public sealed class FreshHostRunTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_PlainAndWireGuardClustersOnAnEmptyRun_ExitsOkWithNoFailedRowAndLeavesNothing()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: the run builds network-namespace labs and mounts a private /run");
        }

        foreach (var tool in new[] { "ip", "iperf3", "wg", "wireguard-go", "unshare", "mount" })
        {
            if (ToolPackages.Which(tool) is null)
            {
                Assert.Skip($"a fresh-host WireGuard run needs {tool}");
            }
        }

        var output = _temp.Folder("results");
        var scenario = _temp.WriteFile("fresh.yaml", Scenarios.Tcp("fresh", ["flannel", "calico+wireguard"], 1, 1, underlay: false));
        await using var cli = CliProcess.Start(
            new CliProcessOptions { WorkingDirectory = _temp.Path, OnFreshRun = true },
            ["run", scenario, "--out", output, "--manifests", TestPaths.ManifestsDirectory]);

        var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(120), Token);

        Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{cli.Output}");
        var runDirectory = Assert.Single(Directory.GetDirectories(output));
        var rows = MeasurementCsvReader.Read(Path.Combine(runDirectory, RunFolder.MeasurementsCsv));
        Assert.Contains(rows, r => r.Cni == "calico+wireguard" && r.Status == MeasurementStatus.Ok);
        Assert.Contains(rows, r => r.Cni == "flannel" && r.Status == MeasurementStatus.Ok);
        Assert.DoesNotContain(rows, r => r.Status == MeasurementStatus.Failed);
        Assert.DoesNotContain("fresh-run-left", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("left behind", cli.Output, StringComparison.Ordinal);

        // wireguard-go outlives its namespace's name if teardown misses it; its device names follow from the run id.
        var prefix = LabNames.Root + RunIds.Tag(Path.GetFileName(runDirectory));
        var lab = LabNames.Lab(prefix, ClusterId.Parse("calico+wireguard"));
        var devices = Enumerable.Range(1, 2).Select(n => LabNames.WireGuardDevice(LabNames.Node(lab, n))).ToList();
        Assert.Empty(ProcessesMentioning(devices));
    }

    private static List<int> ProcessesMentioning(IReadOnlyList<string> words)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (words.Any(w => commandLine.Contains(w, StringComparison.Ordinal)) && HostLabs.IsAlive(pid, "wireguard-go"))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
