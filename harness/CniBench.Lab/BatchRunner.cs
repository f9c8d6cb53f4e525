using System.Globalization;
using System.Text.RegularExpressions;
using CniBench.Core.Processes;

namespace CniBench.Lab;

/// <summary>Runs <see cref="LabBatch"/>es and turns iproute2's "Command failed -:N" into the line that failed.</summary>
internal static partial class BatchRunner
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task RunPhasesAsync(IProcessRunner runner, LabScript script, CancellationToken cancellationToken)
    {
        foreach (var phase in script.Phases)
        {
            await Task.WhenAll(phase.Select(batch => RunAsync(runner, batch, cancellationToken)));
        }
    }

    public static async Task<ProcessResult> RunAsync(IProcessRunner runner, LabBatch batch, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(batch.ToProcessSpec(Timeout), cancellationToken);
        if (!result.Succeeded && !batch.Force)
        {
            throw new LabCommandException(Describe(batch, result));
        }

        return result;
    }

    internal static string Describe(LabBatch batch, ProcessResult result)
    {
        var where = batch.Namespace is null ? "" : $" in {batch.Namespace}";
        var stderr = result.StandardError.Trim();
        var failed = FailedLine().Match(stderr);
        if (failed.Success
            && int.TryParse(failed.Groups[1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var line)
            && line >= 1 && line <= batch.Lines.Count)
        {
            var reason = stderr[..failed.Index].Trim();
            var text = batch.Secret ? "(withheld: it carries key material)" : $"'{batch.Lines[line - 1]}'";
            return $"{batch.Tool}{where} failed at batch line {line.ToString(CultureInfo.InvariantCulture)} {text}: {reason}";
        }

        return $"{batch.Tool} -batch{where} exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}: {stderr}";
    }

    [GeneratedRegex(@"Command failed -:(\d+)")]
    private static partial Regex FailedLine();
}
