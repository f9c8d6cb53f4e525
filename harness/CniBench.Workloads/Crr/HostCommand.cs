using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Crr;

/// <summary>
/// A short housekeeping command crr runs around its connections (conntrack, ss): its result, or the reason it gave none.
/// Never throws but for the caller's cancellation, because housekeeping that fails is noted, not fatal.
/// </summary>
internal static class HostCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<(ProcessResult? Result, string? Error)> RunAsync(IWorkloadHost host, string program, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(program, args) { Timeout = Timeout };
        try
        {
            var result = await host.Runner.RunAsync(spec, cancellationToken);
            return result.Succeeded
                ? (result, null)
                : (null, $"'{spec}' on {host.Name} exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}: {ToolServers.Detail(result.StandardError)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return (null, $"'{spec}' on {host.Name}: {ToolServers.Detail(ex.Message)}");
        }
    }
}
