namespace CniBench.Core.Scenarios;

/// <summary>A scenario as the user wrote it, after validation. Immutable.</summary>
public sealed record ScenarioSpec
{
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Where the scenario came from, for error messages and run.json.</summary>
    public string SourcePath { get; init; } = "";

    public string Provider { get; init; } = "lab";

    public required IReadOnlyList<string> Cnis { get; init; }

    /// <summary>Measure the node-to-node underlay too, so each CNI can be reported as a percentage of it.</summary>
    public bool Underlay { get; init; } = true;

    public int Repetitions { get; init; } = 3;

    public LabSpec Lab { get; init; } = new();

    /// <summary>Clusters, images and permissions for <c>provider: kubernetes</c>.</summary>
    public KubernetesSpec? Kubernetes { get; init; }

    public required IReadOnlyList<TestSpec> Tests { get; init; }
}

public sealed record LabSpec
{
    public int Nodes { get; init; } = 3;

    public int PodsPerNode { get; init; } = 2;

    /// <summary>MTU of the underlay links; each CNI model derives its pod MTU from it.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>
    /// Where each measurement's client and server run on the host's CPUs. Off by default: on a 2-vCPU VM separate CPUs
    /// cut throughput by half or more without narrowing the spread, and one shared CPU narrowed it in one batch of runs
    /// but not in the next, while measuring a one-core datapath (docs/compare-and-history.md, "Noise on this host").
    /// </summary>
    public CpuPinningMode CpuPinning { get; init; } = CpuPinningMode.Off;

    /// <summary>The niceness every measurement's client and server run at (nice -n): below 0 they win CPU time from other work on a shared host.</summary>
    public int ToolNice { get; init; }

    /// <summary>The wait for a quiet host before each measurement.</summary>
    public IdleCheckSpec IdleCheck { get; init; } = new();
}

public enum CpuPinningMode
{
    /// <summary>The scheduler places them.</summary>
    Off,

    /// <summary>Client and server each on a CPU of its own, when the host has at least two.</summary>
    Separate,

    /// <summary>Client and server together on one CPU, the same one every time.</summary>
    Shared,
}

/// <summary>Before each measurement, wait up to <see cref="MaxWait"/> until the host's busy share over <see cref="Window"/> is below <see cref="BusyBelowPercent"/>.</summary>
public sealed record IdleCheckSpec
{
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// 0 by default: one window is read and recorded, and the measurement starts whatever it says. On a host kept busy by
    /// other work, waiting (10 s tried) found it idle before 4 of 50 measurements and did not lower the spread, while
    /// costing the full wait each time (docs/compare-and-history.md, "Noise on this host").
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.Zero;

    /// <summary>Long enough to average over /proc/stat's 10 ms ticks, short enough to cost little on a quiet host.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Busy share of all cores (user + system + softirq), in percent.</summary>
    public double BusyBelowPercent { get; init; } = 20;
}

/// <summary>
/// One test entry of a scenario, e.g. <c>tcp</c> with its parameters: the fields every kind has, and the settings only
/// its kind has (<see cref="Settings"/>, read by the kind's <see cref="Kinds.ITestKindDefinition"/>).
/// </summary>
public sealed record TestSpec
{
    public required string Test { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Warm-up that the tool measures but leaves out of its figures (iperf3 -O).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public IReadOnlyList<string> Topologies { get; init; } = ["same-node", "cross-node"];

    /// <summary>Overrides the scenario's repetitions for this test.</summary>
    public int? Repetitions { get; init; }

    /// <summary>The settings of the test's kind; they decide its variants.</summary>
    public required Kinds.TestSettings Settings { get; init; }

    /// <summary>The settings as their kind's type; a test of another kind here is a bug, not an input error.</summary>
    public T SettingsAs<T>()
        where T : Kinds.TestSettings =>
        Settings as T ?? throw new InvalidOperationException($"test '{Test}' has {Settings.GetType().Name}, not the {typeof(T).Name} its kind reads");
}
