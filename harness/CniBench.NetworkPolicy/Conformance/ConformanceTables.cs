using System.Text;
using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>
/// Expected, observed and diff truth tables of one case in the upstream e2e layout (tab-separated,
/// destinations across, sources down), so people who know those tables can read ours.
/// </summary>
public static class ConformanceTables
{
    public static string Render(string title, CaseGrade grade, IReadOnlyList<string> podIds)
    {
        var text = new StringBuilder();
        text.Append(title).Append('\n');
        text.Append(grade.Passed ? "PASS" : "FAIL")
            .Append($": correct {grade.Correct}, wrong {grade.Wrong}, probe errors {grade.Errors}, unsupported {grade.Unsupported}, not graded {grade.Ungraded}\n");
        foreach (var table in grade.Expected.Tables)
        {
            var cells = grade.Cells.Where(c => c.Probe == table.Probe).ToDictionary(c => (c.From, c.To));
            text.Append('\n');
            Matrix(text, $"{table.Probe} expected (. allowed, X blocked)", podIds, (f, t) => table.IsAllowed(f, t) ? '.' : 'X');
            Matrix(text, $"{table.Probe} observed (. connected, X blocked, ~ differed between samples, ? unsupported, E probe error)", podIds,
                (f, t) => cells.TryGetValue((f, t), out var c) ? Observed(c) : ' ');
            Matrix(text, $"{table.Probe} diff (. match, X mismatch, - not graded)", podIds, (f, t) =>
                !grade.Expected.IsGraded(f, t) ? '-'
                : !cells.TryGetValue((f, t), out var c) || c.Unsupported ? '?'
                : c.HasError ? 'E'
                : c.Reachable == table.IsAllowed(f, t) ? '.' : 'X');
        }

        return text.ToString();
    }

    private static char Observed(ObservedCell cell) => cell switch
    {
        { Unsupported: true } => '?',
        { HasError: true } => 'E',
        { Reachable: true } => '.',
        { Reachable: false } => 'X',
        _ => '~',
    };

    private static void Matrix(StringBuilder text, string heading, IReadOnlyList<string> podIds, Func<int, int, char> cell)
    {
        text.Append(heading).Append('\n').Append('-');
        foreach (var id in podIds)
        {
            text.Append('\t').Append(id);
        }

        text.Append('\n');
        for (var from = 0; from < podIds.Count; from++)
        {
            text.Append(podIds[from]);
            for (var to = 0; to < podIds.Count; to++)
            {
                text.Append('\t').Append(cell(from, to));
            }

            text.Append('\n');
        }
    }

    /// <summary>Probes of one round: every pod to every pod for every model port/protocol the destination serves.</summary>
    public static IReadOnlyList<ProbeRequest> Plan(ClusterModel model, int controlPort)
    {
        var probes = new List<ProbeRequest>();
        foreach (var key in model.Probes)
        {
            foreach (var from in model.Pods)
            {
                foreach (var to in model.Pods.Where(p => p.Ports.Any(port => port.Port == key.Port && port.Protocol == key.Protocol)))
                {
                    probes.Add(new ProbeRequest(from.Id, to.Id, to.Ip!, key.Port, key.Protocol));
                }
            }
        }

        // Controls: a port nobody serves must be refused (or dropped by policy), never connected.
        var first = model.Pods[0];
        probes.AddRange(model.Pods.Select(to => new ProbeRequest(first.Id, to.Id, to.Ip!, controlPort, NetpolProtocol.Tcp, Control: true)));
        return probes;
    }
}
