using CniBench.Core.Processes;

namespace CniBench.Processes;

/// <summary>Runs programs inside a named network namespace through <c>ip netns exec</c>.</summary>
public sealed class NetnsProcessRunner(string namespaceName, IProcessRunner host) : IProcessRunner
{
    public string NamespaceName { get; } = namespaceName;

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        host.RunAsync(Wrap(spec), cancellationToken);

    public IRunningProcess Start(ProcessSpec spec) => host.Start(Wrap(spec));

    /// <summary>The argv that runs <paramref name="spec"/> in the namespace.</summary>
    public ProcessSpec Wrap(ProcessSpec spec)
    {
        EnsureInstalled(spec.Program);
        return spec with { Program = "ip", Arguments = ["netns", "exec", NamespaceName, spec.Program, .. spec.Arguments] };
    }

    // `ip netns exec` reports a missing program only as text on stderr; check first so the error names the package.
    private static void EnsureInstalled(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal) || ToolPackages.IsOnPath(program))
        {
            return;
        }

        throw ToolPackages.TryGetPackage(program, out var package)
            ? new ToolMissingException(program, package)
            : new InvalidOperationException($"'{program}' is not on PATH");
    }
}
