using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Crr;

/// <summary>
/// A short command crr runs around its connections (conntrack, ss, the one-connection start-cost runs): its result, or
/// the reason it gave none. Never throws but for the caller's cancellation: the caller decides whether a failure is
/// noted (housekeeping) or fails the measurement (the start cost).
/// </summary>
internal static class HostCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Task<(ProcessResult? Result, string? Error)> RunAsync(IWorkloadHost host, string program, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        RunAsync(host, new ProcessSpec(program, args) { Timeout = Timeout }, cancellationToken);

    public static async Task<(ProcessResult? Result, string? Error)> RunAsync(IWorkloadHost host, ProcessSpec spec, CancellationToken cancellationToken)
    {
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
