using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;
using CniBench.Core.Processes;

namespace CniBench.Processes;

/// <summary>A background program: output is buffered and watched line by line; disposal kills it.</summary>
internal sealed class LocalRunningProcess : IRunningProcess
{
    /// <summary>How long a program may take to exit after SIGINT before it is killed outright.</summary>
    internal static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _interrupt = new();
    private readonly CancellationTokenSource _kill = new();
    private readonly OutputLines _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

    public LocalRunningProcess(ProcessSpec spec, Command command)
    {
        Spec = spec;
        var piped = command
            .WithStandardOutputPipe(PipeTarget.ToDelegate(OnStdout))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(OnStderr));
        Completion = RunAsync(piped);
    }

    public ProcessSpec Spec { get; }

    public Task<ProcessResult> Completion { get; }

    /// <summary>
    /// True once a stop had to send SIGKILL because the program was still running <see cref="GracePeriod"/> after SIGINT;
    /// false while SIGINT (or the program's own exit) was enough. The exit code cannot tell: a stopped program's
    /// result carries -1 whichever signal ended it.
    /// </summary>
    internal bool KilledAfterGracePeriod { get; private set; }

    public Task WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken) =>
        _stdout.WaitAsync(
            predicate,
            Spec,
            Completion,
            result => new InvalidOperationException(
                $"'{Spec}' exited with code {result.ExitCode} before it was ready: {Tail(result.StandardError, result.StandardOutput)}"),
            timeout,
            cancellationToken);

    /// <summary>
    /// SIGINT first, so a server can shut down cleanly; SIGKILL after <see cref="GracePeriod"/>, because a program
    /// that ignores or hangs in its shutdown (a host waiting on a stuck service) must never hang the run with it.
    /// </summary>
    public async Task StopAsync()
    {
        await _interrupt.CancelAsync();
        if (await Task.WhenAny(Completion, Task.Delay(GracePeriod)) != Completion)
        {
            KilledAfterGracePeriod = true;
            await _kill.CancelAsync();
        }

        try
        {
            await Completion;
        }
        catch (Exception)
        {
            // The program's fate after a deliberate stop is not interesting.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _interrupt.Dispose();
        _kill.Dispose();
    }

    private async Task<ProcessResult> RunAsync(Command command)
    {
        try
        {
            // CliWrap: the first token kills (SIGKILL), the second interrupts (SIGINT).
            var result = await command.ExecuteAsync(_kill.Token, _interrupt.Token);
            return Snapshot(result.ExitCode);
        }
        catch (OperationCanceledException)
        {
            return Snapshot(-1);
        }
        catch (Win32Exception ex)
        {
            throw LocalProcessRunner.Missing(Spec, ex);
        }
    }

    private ProcessResult Snapshot(int exitCode)
    {
        lock (_gate)
        {
            return new ProcessResult(exitCode, _stdout.Text, _stderr.ToString(), _stopwatch.Elapsed);
        }
    }

    private void OnStdout(string line) => _stdout.Add(line);

    private void OnStderr(string line)
    {
        lock (_gate)
        {
            _stderr.Append(line).Append('\n');
        }
    }

    private static string Tail(string stderr, string stdout)
    {
        var text = string.IsNullOrWhiteSpace(stderr) ? stdout : stderr;
        text = text.Trim();
        return text.Length <= 400 ? text : text[^400..];
    }
}
