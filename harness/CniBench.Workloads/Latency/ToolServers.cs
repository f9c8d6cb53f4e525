using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Latency;

/// <summary>
/// Servers a latency test starts on the server host, one per flow or one for all: each started, waited for until it
/// prints its ready line, and killed on disposal whatever happened in between (cancellation included).
/// </summary>
internal sealed class ToolServers : IAsyncDisposable
{
    private readonly List<IRunningProcess> _processes = [];

    /// <summary>Starts every spec on <paramref name="host"/>; the reason when one did not start or get ready, else null.</summary>
    public async Task<string?> StartAsync(IWorkloadHost host, IEnumerable<ProcessSpec> specs, string readyMarker, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        foreach (var spec in specs)
        {
            IRunningProcess process;
            try
            {
                process = host.Runner.Start(spec);
            }
            catch (ToolMissingException ex)
            {
                return ex.Message;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return $"{spec.Program} server on {host.Name} did not start: {Detail(ex.Message)}";
            }

            _processes.Add(process);
            try
            {
                await process.WaitForOutputAsync(line => line.Contains(readyMarker, StringComparison.Ordinal), readyTimeout, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (ProcessTimeoutException)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{spec} on {host.Name} did not report ready within {readyTimeout.TotalSeconds:0.#} s");
            }
            catch (ToolMissingException ex)
            {
                return ex.Message;
            }
            catch (Exception ex)
            {
                return $"{spec} on {host.Name} exited before it was ready: {Detail(ex.Message)}";
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    internal static string Detail(string text, int max = 200)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" ");
        return trimmed.Length <= max ? trimmed : string.Concat("…", trimmed.AsSpan(trimmed.Length - max + 1));
    }

    /// <summary>The raw file next to the iperf3-style path the orchestrator hands out: <c>….json</c> becomes <c>….txt</c>.</summary>
    internal static string TextPath(string rawPath) =>
        rawPath.EndsWith(".json", StringComparison.Ordinal) ? rawPath[..^".json".Length] + ".txt" : rawPath;
}
