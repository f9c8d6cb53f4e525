using System.Diagnostics;
using System.Globalization;
using CniBench.Core.Processes;

namespace CniBench.Processes;

/// <summary>
/// Runs every program through <c>taskset</c> on one CPU. Put it under a namespace runner
/// (<c>taskset -c 1 ip netns exec ns iperf3 …</c>): the affinity survives the namespace switch and the exec, and the
/// namespace runner still checks that the tool itself is installed.
/// </summary>
public sealed class CpuPinnedRunner(IProcessRunner host, int cpu) : IProcessRunner
{
    public int Cpu { get; } = cpu >= 0 ? cpu : throw new ArgumentOutOfRangeException(nameof(cpu), cpu, "a CPU number is 0 or more");

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        host.RunAsync(Wrap(spec), cancellationToken);

    public IRunningProcess Start(ProcessSpec spec) => host.Start(Wrap(spec));

    /// <summary>The argv that runs <paramref name="spec"/> on <see cref="Cpu"/>.</summary>
    public ProcessSpec Wrap(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec with { Program = "taskset", Arguments = ["--cpu-list", Cpu.ToString(CultureInfo.InvariantCulture), spec.Program, .. spec.Arguments] };
    }

    /// <summary>The CPUs this process may run on (its affinity mask, as a cgroup or taskset left it), lowest first.</summary>
    public static IReadOnlyList<int> AllowedCpus()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        using var self = Process.GetCurrentProcess();
        var mask = (ulong)(long)self.ProcessorAffinity;
        return [.. Enumerable.Range(0, 64).Where(bit => (mask & (1UL << bit)) != 0)];
    }
}
