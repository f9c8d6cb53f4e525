namespace CniBench.Core.Processes;

/// <summary>
/// The one way CniBench runs an external program. Implementations decide where it runs
/// (this host, inside a lab namespace, inside a Kubernetes pod); drivers never know which.
/// </summary>
public interface IProcessRunner
{
    /// <summary>Runs to completion. A non-zero exit is a result, not an exception; a timeout throws <see cref="ProcessTimeoutException"/>.</summary>
    Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken);

    /// <summary>Starts a long-running program (a server) and returns at once.</summary>
    IRunningProcess Start(ProcessSpec spec);
}

/// <summary>An argv list, never a shell string.</summary>
public sealed record ProcessSpec(string Program, IReadOnlyList<string> Arguments)
{
    public string? StandardInput { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public override string ToString() => Arguments.Count == 0 ? Program : $"{Program} {string.Join(' ', Arguments)}";
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>A program started in the background; disposing it kills it if it still runs.</summary>
public interface IRunningProcess : IAsyncDisposable
{
    ProcessSpec Spec { get; }

    /// <summary>Completes when the program exits, with its result so far.</summary>
    Task<ProcessResult> Completion { get; }

    /// <summary>Completes when a line of standard output satisfies <paramref name="predicate"/>; faults if the program exits first.</summary>
    Task WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken);

    Task StopAsync();
}

public sealed class ProcessTimeoutException(ProcessSpec spec, TimeSpan timeout)
    : Exception($"'{spec}' did not finish within {timeout.TotalSeconds:0.#} s")
{
    public ProcessSpec Spec { get; } = spec;
}

/// <summary>A program that is not installed: the message names the package that provides it.</summary>
/// <remarks><paramref name="howToInstall"/> replaces the Debian advice for tools Debian does not ship (e.g. helm).</remarks>
public sealed class ToolMissingException(string program, string package, string? howToInstall = null)
    : Exception($"'{program}' is not installed: " + (howToInstall ?? $"install the Debian package '{package}' (apt-get install {package}) or run ./run.sh, which installs it"))
{
    public string Program { get; } = program;

    public string Package { get; } = package;
}
