using System.ComponentModel;
using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using CniBench.Core.Processes;

namespace CniBench.Processes;

/// <summary>Runs programs on this host through CliWrap.</summary>
public sealed class LocalProcessRunner : IProcessRunner
{
    public static LocalProcessRunner Instance { get; } = new();

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await BuildCommand(spec).ExecuteBufferedAsync(timeout.Token);
            return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError, stopwatch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProcessTimeoutException(spec, spec.Timeout);
        }
        catch (Win32Exception ex)
        {
            throw Missing(spec, ex);
        }
    }

    public IRunningProcess Start(ProcessSpec spec) => new LocalRunningProcess(spec, BuildCommand(spec));

    internal static Command BuildCommand(ProcessSpec spec)
    {
        var command = Cli.Wrap(spec.Program)
            .WithArguments(spec.Arguments)
            .WithValidation(CommandResultValidation.None);
        return spec.StandardInput is null ? command : command.WithStandardInputPipe(PipeSource.FromString(spec.StandardInput));
    }

    internal static Exception Missing(ProcessSpec spec, Exception inner) =>
        ToolPackages.TryGetPackage(spec.Program, out var package)
            ? new ToolMissingException(spec.Program, package)
            : new InvalidOperationException($"cannot start '{spec.Program}': {inner.Message}", inner);
}
