using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Oracle;

/// <summary>
/// How one rule of a policy that isolates the pod treats the probe: the peer entry that admits the
/// other pod (null when none does) and the ports entry that admits the probe (null when none does).
/// A rule without peers or ports admits every pod or port; that is written as "(any peer)" / "(all ports)".
/// </summary>
public sealed record RuleEvaluation(string Policy, string Rule, string? MatchedPeer, string? MatchedPort)
{
    public bool Allows => MatchedPeer is not null && MatchedPort is not null;
}

/// <summary>One side of a connection: egress from the source, or ingress into the destination.</summary>
public sealed record DirectionExplanation(
    string Direction,
    string Pod,
    IReadOnlyList<string> IsolatingPolicies,
    IReadOnlyList<string> OtherSelectingPolicies,
    IReadOnlyList<RuleEvaluation> Rules)
{
    /// <summary>A pod no policy isolates in this direction allows everything; otherwise some rule must allow.</summary>
    public bool IsIsolated => IsolatingPolicies.Count > 0;

    public bool Allowed => !IsIsolated || Rules.Any(r => r.Allows);
}

/// <summary>Why the oracle expects a connection to be allowed or blocked: both directions have to allow.</summary>
public sealed record VerdictExplanation(
    string From,
    string To,
    ProbeKey Probe,
    DirectionExplanation Egress,
    DirectionExplanation Ingress,
    SelfTrafficMode SelfTraffic)
{
    public bool Allowed => Egress.Allowed && Ingress.Allowed;

    public bool IsSelfTraffic => From == To;

    public bool IsGraded => !IsSelfTraffic || SelfTraffic == SelfTrafficMode.Grade;
}
