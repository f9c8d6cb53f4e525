using CniBench.Core.Planning;

namespace CniBench.Core.Kinds;

/// <summary>
/// The settings of one test entry that only its kind has (tcp's stream counts, http's payloads), as read from the
/// scenario; a <see cref="Scenarios.TestSpec"/> holds its kind's, typed. They alone decide the test's variants.
/// </summary>
public abstract record TestSettings
{
    /// <summary>The test's variants, in the order they run within a repetition.</summary>
    public abstract IReadOnlyList<TestVariant> Variants();

    /// <summary>
    /// Whether the underlay (nodes without pods or a CNI) runs the test's cross-node topology as the baseline: true for
    /// traffic between nodes, false for a test that needs pods (policies).
    /// </summary>
    public virtual bool RunsOnUnderlay => true;
}
