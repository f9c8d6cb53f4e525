using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>One cell of a truth table as observed: every sample's outcome for (from, to, probe).</summary>
public sealed record ObservedCell(int From, int To, ProbeKey Probe, IReadOnlyList<ProbeOutcome> Samples)
{
    public bool Unsupported => Samples.Count > 0 && Samples.All(s => s == ProbeOutcome.Unsupported);

    public bool HasError => Samples.Any(s => s == ProbeOutcome.Error);

    /// <summary>Reachable in every sample, blocked in every sample, or null when the samples disagree (flapping).</summary>
    public bool? Reachable => Samples.All(s => s == ProbeOutcome.Connected) ? true
        : Samples.All(s => s is ProbeOutcome.TimedOut or ProbeOutcome.Refused) ? false
        : null;
}

/// <summary>How a case went on one cluster, cell by cell, with counts for measurements.csv.</summary>
public sealed record CaseGrade(
    ExpectedConnectivity Expected,
    IReadOnlyList<ObservedCell> Cells,
    int Correct,
    int Wrong,
    int Errors,
    int Unsupported,
    int Ungraded)
{
    /// <summary>Pass: every graded, supported cell matched in every sample, and no probe errored.</summary>
    public bool Passed => Wrong == 0 && Errors == 0 && Correct > 0;
}

/// <summary>Compares observed probe samples with the oracle's expectation.</summary>
public static class ConformanceGrader
{
    public static CaseGrade Grade(ExpectedConnectivity expected, IReadOnlyList<ObservedCell> cells)
    {
        var tables = expected.Tables.ToDictionary(t => t.Probe);
        int correct = 0, wrong = 0, errors = 0, unsupported = 0, ungraded = 0;
        foreach (var cell in cells)
        {
            if (!expected.IsGraded(cell.From, cell.To))
            {
                ungraded++;
            }
            else if (cell.Unsupported)
            {
                unsupported++;
            }
            else if (cell.HasError)
            {
                errors++;
            }
            else if (cell.Reachable == tables[cell.Probe].IsAllowed(cell.From, cell.To))
            {
                correct++;
            }
            else
            {
                wrong++;
            }
        }

        return new CaseGrade(expected, cells, correct, wrong, errors, unsupported, ungraded);
    }

    /// <summary>Was one round of samples exactly what the oracle expects (for programming latency)?</summary>
    public static bool RoundMatches(ExpectedConnectivity expected, IReadOnlyList<ProbeResult> round, ClusterModel model)
    {
        var tables = expected.Tables.ToDictionary(t => t.Probe);
        foreach (var result in round)
        {
            var request = result.Request;
            if (request.Control || result.Outcome == ProbeOutcome.Unsupported
                || !model.TryGetPodIndex(request.From, out var from) || !model.TryGetPodIndex(request.To, out var to)
                || !expected.IsGraded(from, to))
            {
                continue;
            }

            if (result.Reachable != tables[new ProbeKey(request.Port, request.Protocol)].IsAllowed(from, to))
            {
                return false;
            }
        }

        return true;
    }
}
