using System.Diagnostics;
using System.Globalization;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Kubernetes;

/// <summary>A background program in a pod: the exec stays open until it exits or is stopped.</summary>
internal sealed class PodRunningProcess : IRunningProcess
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    private readonly PodExecRunner _runner;
    private readonly CancellationTokenSource _close = new();
    private readonly OutputLines _stdout = new();
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private string? _pid;
    private int _stopped;

    public PodRunningProcess(PodExecRunner runner, ProcessSpec spec)
    {
        _runner = runner;
        Spec = spec;
        Completion = RunAsync();
    }

    public ProcessSpec Spec { get; }

    public Task<ProcessResult> Completion { get; }

    public Task WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken) =>
        _stdout.WaitAsync(
            predicate,
            Spec,
            Completion,
            result => new InvalidOperationException($"'{Spec}' in pod {_runner.Pod} exited with code {result.ExitCode} before it was ready: {result.StandardError.Trim()}"),
            timeout,
            cancellationToken);

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            await Settle();
            return;
        }

        if (!Completion.IsCompleted && Volatile.Read(ref _pid) is { } pid)
        {
            try
            {
                await _runner.RunAsync(new ProcessSpec("kill", [pid]) { Timeout = KillTimeout }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is KubeOperationException or ProcessTimeoutException)
            {
                // Closing the stream below is all that is left; the pod's deletion ends the program at the latest.
            }

            // Let the program's own end arrive with its exit status before the stream is closed.
            await Task.WhenAny(Completion, Task.Delay(KillGrace));
        }

        await _close.CancelAsync();
        await Settle();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _close.Dispose();
    }

    private async Task Settle()
    {
        try
        {
            await Completion;
        }
        catch (Exception)
        {
            // The program's fate after a deliberate stop is not interesting.
        }
    }

    private async Task<ProcessResult> RunAsync()
    {
        await Task.Yield();
        try
        {
            var (exit, _, stderr) = await _runner.ExecAsync(PodExecRunner.StartCommand(Spec), OnStdout, _close.Token);
            return Snapshot(exit, stderr);
        }
        catch (OperationCanceledException)
        {
            return Snapshot(-1, string.Empty);
        }
    }

    private ProcessResult Snapshot(int exitCode, string stderr) => new(exitCode, _stdout.Text, stderr, _stopwatch.Elapsed);

    private void OnStdout(string line)
    {
        if (_pid is null && line.StartsWith(PodExecRunner.PidMarker, StringComparison.Ordinal))
        {
            var pid = line[PodExecRunner.PidMarker.Length..].Trim();
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                Volatile.Write(ref _pid, pid);
                return;
            }
        }

        _stdout.Add(line);
    }
}
