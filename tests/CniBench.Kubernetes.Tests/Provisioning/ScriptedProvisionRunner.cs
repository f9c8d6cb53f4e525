using System.Collections.Concurrent;
using CniBench.Core.Processes;

namespace CniBench.Kubernetes.Tests.Provisioning;

/// <summary>Plays the provisioner: records every argv and answers with a script chosen by program name.</summary>
internal sealed class ScriptedProvisionRunner(Func<ProcessSpec, CancellationToken, Task<ProcessResult>> answer) : IProcessRunner
{
    public ConcurrentQueue<ProcessSpec> Runs { get; } = new();

    public static ProcessResult Ok(string stdout = "") => new(0, stdout, "", TimeSpan.FromMilliseconds(5));

    public IReadOnlyList<string> Programs => [.. Runs.Select(r => string.Join(' ', [r.Program, .. r.Arguments]))];

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        Runs.Enqueue(spec);
        return await answer(spec, cancellationToken);
    }

    public IRunningProcess Start(ProcessSpec spec) => throw new NotSupportedException("provisioners are never started in the background");
}
