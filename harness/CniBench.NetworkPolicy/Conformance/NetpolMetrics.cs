using CniBench.Core.Measurements;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>What the netpol kind writes: each variant is a policy case that passes on <c>case_pass</c>, plus its diagnostics and the score.</summary>
public static class NetpolMetrics
{
    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.CasePass, Metrics.Bool, None, "Policy case passed"),
        new(Metrics.CellsCorrect, Metrics.Count, None, "Probe cells as expected"),
        new(Metrics.CellsWrong, Metrics.Count, Lower, "Probe cells wrong"),
        new(Metrics.CellsProbeError, Metrics.Count, Lower, "Probe errors"),
        new(Metrics.CellsUnsupported, Metrics.Count, None, "Probe cells unsupported"),
        new(Metrics.ControlConnected, Metrics.Count, None, "Control probes connected"),
        new(Metrics.PolicyApplyMs, Metrics.Milliseconds, Lower, "Policy apply time"),
        new(Metrics.ProbeRoundMs, Metrics.Milliseconds, Lower, "Probe round time"),
        new(Metrics.ProbesPerRound, Metrics.Count, None, "Probes per round"),
        new(Metrics.ProgrammingLatencyMs, Metrics.Milliseconds, Lower, "Policy programming latency"),
        new(Metrics.PolicyRemovalLatencyMs, Metrics.Milliseconds, Lower, "Policy removal latency"),
        new(Metrics.ConvergenceRounds, Metrics.Count, None, "Probe rounds until the policies took effect"),
        new(Metrics.ConformanceScorePercent, Metrics.Percent, Higher, "Conformance score"),
        new(Metrics.CasesPassed, Metrics.Count, Higher, "Policy cases passed"),
        new(Metrics.CasesGraded, Metrics.Count, None, "Policy cases graded"),
    ])
    {
        Criteria = [new(ReportCriteria.PolicyIngress, Metrics.CasePass), new(ReportCriteria.PolicyEgress, Metrics.CasePass)],
        Cases = new CaseGrading(Metrics.CasePass, NetpolTestSpec.ScoreVariant),
        BarCharted = false,
    };
}
