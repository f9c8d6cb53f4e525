using CniBench.Core.Measurements;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>What the netpol kind writes: each variant is a policy case that passes on <c>case_pass</c>, plus its diagnostics and the score.</summary>
public static class NetpolMetrics
{
    public const string CellsCorrect = "cells_correct";

    public const string CellsProbeError = "cells_probe_error";

    public const string CellsUnsupported = "cells_unsupported";

    public const string ControlConnected = "control_connected";

    public const string PolicyApplyMs = "policy_apply_ms";

    public const string ProbeRoundMs = "probe_round_ms";

    public const string ProbesPerRound = "probes_per_round";

    /// <summary>From the start of a case's apply to the end of the first probe round that matched the oracle (resolution: one round).</summary>
    public const string ProgrammingLatencyMs = "programming_latency_ms";

    /// <summary>From the start of deleting a case's policies to the end of the first probe round that showed every pod open again.</summary>
    public const string PolicyRemovalLatencyMs = "policy_removal_latency_ms";

    /// <summary>Probe rounds the convergence wait took after the apply (1 when the first round already matched).</summary>
    public const string ConvergenceRounds = "convergence_rounds";

    public const string CasesPassed = "cases_passed";

    public const string CasesGraded = "cases_graded";

    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.CasePass, Metrics.Bool, None, "Policy case passed"),
        new(CellsCorrect, Metrics.Count, None, "Probe cells as expected"),
        new(Metrics.CellsWrong, Metrics.Count, Lower, "Probe cells wrong"),
        new(CellsProbeError, Metrics.Count, Lower, "Probe errors"),
        new(CellsUnsupported, Metrics.Count, None, "Probe cells unsupported"),
        new(ControlConnected, Metrics.Count, None, "Control probes connected"),
        new(PolicyApplyMs, Metrics.Milliseconds, Lower, "Policy apply time"),
        new(ProbeRoundMs, Metrics.Milliseconds, Lower, "Probe round time"),
        new(ProbesPerRound, Metrics.Count, None, "Probes per round"),
        new(ProgrammingLatencyMs, Metrics.Milliseconds, Lower, "Policy programming latency"),
        new(PolicyRemovalLatencyMs, Metrics.Milliseconds, Lower, "Policy removal latency"),
        new(ConvergenceRounds, Metrics.Count, None, "Probe rounds until the policies took effect"),
        new(Metrics.ConformanceScorePercent, Metrics.Percent, Higher, "Conformance score"),
        new(CasesPassed, Metrics.Count, Higher, "Policy cases passed"),
        new(CasesGraded, Metrics.Count, None, "Policy cases graded"),
    ])
    {
        Criteria = [new(ReportCriteria.PolicyIngress, Metrics.CasePass), new(ReportCriteria.PolicyEgress, Metrics.CasePass)],
        Cases = new CaseGrading(Metrics.CasePass, NetpolTestSpec.ScoreVariant),
        BarCharted = false,
    };
}
