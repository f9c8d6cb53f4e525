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
