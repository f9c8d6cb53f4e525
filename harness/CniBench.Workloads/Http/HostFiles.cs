using System.Globalization;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Http;

/// <summary>
/// Files on a workload host's own file system, made through its runner with coreutils (a pod's file system is
/// not the harness's), so the same code serves a lab namespace and a Kubernetes pod.
/// </summary>
internal sealed class HostFiles(IProcessRunner runner, string hostName)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A fresh directory name under /tmp, e.g. <c>/tmp/cnb-http-3fa2c1d0</c>.</summary>
    public static string NewDirectory(string prefix) =>
        $"/tmp/{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Creates the directories (failing if the first exists, so two runs never share one).</summary>
    public Task CreateDirectoriesAsync(IReadOnlyList<string> paths, string mode, CancellationToken cancellationToken) =>
        CheckedAsync(new ProcessSpec("mkdir", ["-m", mode, .. paths]), cancellationToken);

    public Task WriteAsync(string path, string content, CancellationToken cancellationToken) =>
        CheckedAsync(new ProcessSpec("tee", [path]) { StandardInput = content }, cancellationToken);

    /// <summary>A file of <paramref name="bytes"/> zero bytes, made without sending them (a sparse file).</summary>
    public Task CreateSizedAsync(string path, long bytes, CancellationToken cancellationToken) =>
        CheckedAsync(new ProcessSpec("truncate", ["-s", bytes.ToString(CultureInfo.InvariantCulture), path]), cancellationToken);

    /// <summary>Lets every user read the tree: nginx's worker drops root privileges before it serves a file.</summary>
    public Task MakeWorldReadableAsync(string path, CancellationToken cancellationToken) =>
        CheckedAsync(new ProcessSpec("chmod", ["-R", "a+rX", path]), cancellationToken);

    /// <summary>Best effort: a leftover directory in /tmp is not worth failing a measurement for.</summary>
    public async Task RemoveQuietlyAsync(string path)
    {
        if (!path.StartsWith("/tmp/cnb-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"refusing to remove '{path}': only CniBench's own /tmp/cnb-* directories", nameof(path));
        }

        try
        {
            await runner.RunAsync(new ProcessSpec("rm", ["-rf", "--", path]) { Timeout = CommandTimeout }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ProcessTimeoutException or InvalidOperationException or ToolMissingException)
        {
            // Reported nowhere on purpose: the measurement's own outcome is what matters.
        }
    }

    private async Task CheckedAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(spec with { Timeout = CommandTimeout }, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{spec.Program} {string.Join(' ', spec.Arguments)}' on {hostName} failed: {result.StandardError.Trim()}");
        }
    }
}
