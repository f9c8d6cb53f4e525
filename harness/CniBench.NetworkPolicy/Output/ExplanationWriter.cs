using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Output;

/// <summary>Prints a verdict and its reasons: which policies isolate each side and which rule allowed, or that none did.</summary>
public static class ExplanationWriter
{
    public static void Write(VerdictExplanation explanation, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"{explanation.From} -> {explanation.To} {explanation.Probe}: {(explanation.Allowed ? "ALLOWED" : "BLOCKED")}");
        WriteDirection(explanation.Egress, "from", output);
        WriteDirection(explanation.Ingress, "into", output);
        if (explanation.IsSelfTraffic)
        {
            output.WriteLine(explanation.IsGraded
                ? "self-traffic: graded (--self-traffic grade)"
                : "self-traffic: computed by policy but not graded (--self-traffic ignore; CNIs differ on hairpin traffic)");
        }
    }

    private static void WriteDirection(DirectionExplanation side, string preposition, TextWriter output)
    {
        var verdict = side.Allowed ? "allowed" : "denied";
        if (!side.IsIsolated)
        {
            output.WriteLine($"  {side.Direction} {preposition} {side.Pod}: {verdict}: no policy with {Capitalized(side.Direction)} in policyTypes selects {side.Pod}");
        }
        else
        {
            output.WriteLine($"  {side.Direction} {preposition} {side.Pod}: {verdict}: isolated by {string.Join(", ", side.IsolatingPolicies)}");
            foreach (var policy in side.IsolatingPolicies.Where(p => !side.Rules.Any(r => r.Policy == p)))
            {
                output.WriteLine($"    {policy}: no {side.Direction} rules (denies all {side.Direction})");
            }

            foreach (var rule in side.Rules)
            {
                output.WriteLine($"    {rule.Policy} {rule.Rule}: {Describe(rule)}");
            }

            var allowing = side.Rules.FirstOrDefault(r => r.Allows);
            output.WriteLine(allowing is null
                ? $"    => no {side.Direction} rule allows it"
                : $"    => allowed by {allowing.Policy} {allowing.Rule}");
        }

        if (side.OtherSelectingPolicies.Count > 0)
        {
            output.WriteLine($"    also selecting {side.Pod}, without {Capitalized(side.Direction)}: {string.Join(", ", side.OtherSelectingPolicies)}");
        }
    }

    private static string Describe(RuleEvaluation rule) => (rule.MatchedPeer, rule.MatchedPort) switch
    {
        (null, null) => "no peer matches and no port matches",
        (null, _) => "no peer matches",
        (_, null) => $"peer {rule.MatchedPeer} matches but no port matches",
        _ => $"peer {rule.MatchedPeer} and port {rule.MatchedPort} match: allows",
    };

    private static string Capitalized(string direction) => char.ToUpperInvariant(direction[0]) + direction[1..];
}
