using CniBench.Core.Processes;

namespace CniBench.Workloads.Tests.Fakes;

/// <summary>A scripted runner: records every call and answers with whatever the test sets up.</summary>
public sealed class FakeProcessRunner : IProcessRunner
{
    public List<ProcessSpec> Runs { get; } = [];

    public List<FakeRunningProcess> Started { get; } = [];

    public Func<ProcessSpec, CancellationToken, Task<ProcessResult>> OnRun { get; set; } =
        (_, _) => Task.FromResult(new ProcessResult(0, "", "", TimeSpan.Zero));

    public Func<ProcessSpec, FakeRunningProcess> OnStart { get; set; } = spec => new FakeRunningProcess(spec);

    public static FakeProcessRunner Printing(string stdout, int exitCode = 0) =>
        new() { OnRun = (_, _) => Task.FromResult(new ProcessResult(exitCode, stdout, "", TimeSpan.FromSeconds(1))) };

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        Runs.Add(spec);
        return OnRun(spec, cancellationToken);
    }

    public IRunningProcess Start(ProcessSpec spec)
    {
        var process = OnStart(spec);
        Started.Add(process);
        return process;
    }
}

/// <summary>A background program that is ready at once unless told otherwise, and remembers being stopped.</summary>
public sealed class FakeRunningProcess(ProcessSpec spec) : IRunningProcess
{
    private readonly TaskCompletionSource<ProcessResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProcessSpec Spec { get; } = spec;

    public Task<ProcessResult> Completion => _completion.Task;

    /// <summary>What waiting for output does; the default sees the line at once.</summary>
    public Func<TimeSpan, CancellationToken, Task> OnWait { get; set; } = (_, _) => Task.CompletedTask;

    public int StopCount { get; private set; }

    public bool Disposed { get; private set; }

    public bool WasStopped => StopCount > 0 || Disposed;

    public void Exit(int exitCode, string stderr = "") =>
        _completion.TrySetResult(new ProcessResult(exitCode, "", stderr, TimeSpan.FromSeconds(1)));

    public Task WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken) =>
        OnWait(timeout, cancellationToken);

    public Task StopAsync()
    {
        StopCount++;
        Exit(-1);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Disposed = true;
    }
}
