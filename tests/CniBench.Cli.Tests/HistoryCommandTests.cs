using CniBench.Core.Measurements;

namespace CniBench.Cli.Tests;

public sealed class HistoryCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task History_FourRunsWithLastTwoSlower_ChartsAndFlagsThirdRun()
    {
        var root = _temp.Folder("results");
        double[] factors = [1, 1, 0.85, 0.85];
        for (var i = 0; i < factors.Length; i++)
        {
            var runId = $"2026110{i + 1}T020000Z-aaa{i}";
            await CompareFixtures.WriteRunAsync(Path.Join(root, runId), runId, CompareFixtures.Start.AddDays(i), factors[i]);
        }

        var result = await CliInvocation.InvokeAsync("history", root, "--metric", Metrics.ThroughputBps, "--metric", Metrics.HostCpuPercent);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var history = Path.Join(root, "history");
        Assert.Equal(6, Directory.GetFiles(history, "*.png").Length);
        Assert.Equal(6, Directory.GetFiles(history, "*.svg").Length);
        Assert.True(new FileInfo(Path.Join(history, "flannel_tcp_1-stream_cross-node_throughput_bps.png")).Length > 1000);
        var markdown = await File.ReadAllTextAsync(Path.Join(history, "history.md"), TestContext.Current.CancellationToken);
        Assert.Contains("| flannel/tcp/1-stream/cross-node/throughput_bps | 20261103T020000Z-aaa2 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("host_cpu_percent | 2026", markdown, StringComparison.Ordinal);
        Assert.Contains("regression", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_MissingRoot_ExitsBadInput()
    {
        var result = await CliInvocation.InvokeAsync("history", Path.Join(_temp.Path, "none"));

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("not a folder", result.Error, StringComparison.Ordinal);
    }
}
