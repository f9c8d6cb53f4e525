using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Oracle;

/// <summary>Whether pod-to-itself cells count when a run is graded against the expectation.</summary>
public enum SelfTrafficMode
{
    /// <summary>Upstream's choice: CNIs differ on hairpin traffic, so the diagonal is computed but not graded.</summary>
    Ignore,

    /// <summary>The diagonal is graded like every other cell.</summary>
    Grade,
}

/// <summary>Expected verdicts for one port and protocol: rows are sources, columns destinations, both in model pod order.</summary>
public sealed class TruthTable
{
    private readonly bool[] _cells;

    internal TruthTable(ProbeKey probe, IReadOnlyList<string> podIds, bool[] cells)
    {
        Probe = probe;
        PodIds = podIds;
        _cells = cells;
    }

    public ProbeKey Probe { get; }

    /// <summary>"ns/pod" of every row and column.</summary>
    public IReadOnlyList<string> PodIds { get; }

    public bool IsAllowed(int source, int destination) => _cells[(source * PodIds.Count) + destination];

    public int AllowedCount => _cells.Count(c => c);
}

/// <summary>The oracle's full answer: one table per model port/protocol, and how self-traffic is graded.</summary>
public sealed record ExpectedConnectivity(IReadOnlyList<TruthTable> Tables, SelfTrafficMode SelfTraffic)
{
    /// <summary>Self cells are always computed; this says whether a comparison should count them.</summary>
    public bool IsGraded(int source, int destination) => source != destination || SelfTraffic == SelfTrafficMode.Grade;
}
