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

    /// <summary>Whether each measurement's client and server run pinned to CPUs of their own (<c>auto</c>: when the host has two or more).</summary>
    public CpuPinningMode CpuPinning { get; init; } = CpuPinningMode.Auto;

    /// <summary>The wait for a quiet host before each measurement.</summary>
    public IdleCheckSpec IdleCheck { get; init; } = new();
}

public enum CpuPinningMode
{
    /// <summary>Client and server each on a CPU of its own when the host has at least two.</summary>
    Auto,

    /// <summary>The scheduler places them.</summary>
    Off,
}

/// <summary>Before each measurement, wait up to <see cref="MaxWait"/> until the host's busy share over <see cref="Window"/> is below <see cref="BusyBelowPercent"/>.</summary>
public sealed record IdleCheckSpec
{
    public bool Enabled { get; init; } = true;

    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(10);

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
