using System.Diagnostics;
using System.Globalization;
using CniBench.Core.Processes;

namespace CniBench.Processes;

/// <summary>
/// Runs every program pinned to a CPU (<c>taskset</c>) and at a niceness (<c>nice</c>), either or both. Put it under a
/// namespace runner (<c>taskset --cpu-list 1 nice -n -10 ip netns exec ns iperf3 …</c>): affinity and niceness survive
/// the namespace switch and the exec, and the namespace runner still checks that the tool itself is installed.
/// </summary>
public sealed class ScheduledRunner : IProcessRunner
{
    private readonly IProcessRunner _host;

    public ScheduledRunner(IProcessRunner host, int? cpu, int nice)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (cpu < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cpu), cpu, "a CPU number is 0 or more");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(nice, -20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, 19);
        _host = host;
        Cpu = cpu;
        Nice = nice;
    }

    /// <summary>The CPU every program runs on; null leaves that to the scheduler.</summary>
    public int? Cpu { get; }

    /// <summary>The niceness every program runs at; 0 leaves it as inherited.</summary>
    public int Nice { get; }

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        _host.RunAsync(Wrap(spec), cancellationToken);

    public IRunningProcess Start(ProcessSpec spec) => _host.Start(Wrap(spec));

    /// <summary>The argv that runs <paramref name="spec"/> on <see cref="Cpu"/> at <see cref="Nice"/>.</summary>
    public ProcessSpec Wrap(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyList<string> argv = [spec.Program, .. spec.Arguments];
        if (Nice != 0)
        {
            argv = ["nice", "-n", Nice.ToString(CultureInfo.InvariantCulture), .. argv];
        }

        if (Cpu is { } cpu)
        {
            argv = ["taskset", "--cpu-list", cpu.ToString(CultureInfo.InvariantCulture), .. argv];
        }

        return spec with { Program = argv[0], Arguments = [.. argv.Skip(1)] };
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
