using CniBench.Core.Kinds;
using CniBench.Core.Planning;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>Which policy cases to run, against which model, and how to probe.</summary>
public sealed record NetpolTestSpec : TestSettings
{
    /// <summary>The variant that turns a repetition's case results into one score per CNI.</summary>
    public const string ScoreVariant = "score";

    /// <summary>Folder of case files (one YAML file of NetworkPolicies per case).</summary>
    public string Suite { get; init; } = Path.Combine("manifests", "netpol");

    /// <summary>Case names to run (file names without .yaml); empty means every case in the suite.</summary>
    public IReadOnlyList<string> Cases { get; init; } = [];

    /// <summary>A model file (namespaces, pods, labels, ports); null means the upstream x/y/z × a/b/c model.</summary>
    public string? Model { get; init; }

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Probe rounds per case, all recorded: a cell that flaps between rounds fails.</summary>
    public int Samples { get; init; } = 2;

    /// <summary>Grade pod-to-itself cells too (CNIs differ on hairpin traffic; upstream ignores them).</summary>
    public bool GradeSelfTraffic { get; init; }

    /// <summary>The underlay has no pods to put policies on.</summary>
    public override bool RunsOnUnderlay => false;

    /// <summary>One variant per case, then the score of the repetition.</summary>
    public override IReadOnlyList<TestVariant> Variants() =>
        [.. Cases.Append(ScoreVariant).Select(c => new TestVariant(c, 1))];
}
