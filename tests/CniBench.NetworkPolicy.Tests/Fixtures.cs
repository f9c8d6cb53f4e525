using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Policies;
using k8s.Models;

namespace CniBench.NetworkPolicy.Tests;

internal static class Fixtures
{
    public static readonly ProbeKey Tcp80 = new(80, NetpolProtocol.Tcp);
    public static readonly ProbeKey Tcp81 = new(81, NetpolProtocol.Tcp);
    public static readonly ProbeKey Udp80 = new(80, NetpolProtocol.Udp);
    public static readonly ProbeKey Udp81 = new(81, NetpolProtocol.Udp);
    public static readonly ProbeKey Sctp80 = new(80, NetpolProtocol.Sctp);

    /// <summary>Policies from YAML through the real loader; a fixture that does not validate fails the test.</summary>
    public static IReadOnlyList<V1NetworkPolicy> PoliciesFrom(string yaml)
    {
        var result = PolicyLoader.LoadText(yaml, "fixture.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policies.Select(p => p.Policy).ToArray();
    }

    public static PolicyOracle OracleFor(string yaml) => new(DefaultModel.Create(), PoliciesFrom(yaml));

    public static ClusterModel ModelFrom(string yaml)
    {
        var result = ModelLoader.LoadText(yaml, "model.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Model!;
    }

    /// <summary>
    /// Compares a table with a hand-written one: each row is "&lt;source&gt;: &lt;cells&gt;", one cell per
    /// destination in model order, "." allowed and "X" blocked (upstream's marks). Spaces are for reading.
    /// </summary>
    public static void AssertMatrix(TruthTable table, params string[] rows)
    {
        Assert.Equal(table.PodIds.Count, rows.Length);
        var mismatches = new List<string>();
        for (var source = 0; source < rows.Length; source++)
        {
            var parts = rows[source].Split(':', 2);
            Assert.Equal(table.PodIds[source], parts[0].Trim());
            var cells = parts[1].Replace(" ", string.Empty, StringComparison.Ordinal);
            Assert.Equal(table.PodIds.Count, cells.Length);
            for (var destination = 0; destination < cells.Length; destination++)
            {
                var expected = cells[destination] switch
                {
                    '.' => true,
                    'X' => false,
                    var other => throw new ArgumentException($"bad cell '{other}' in row {rows[source]}"),
                };
                if (table.IsAllowed(source, destination) != expected)
                {
                    mismatches.Add($"{table.PodIds[source]} -> {table.PodIds[destination]} {table.Probe}: expected {(expected ? "allowed" : "blocked")}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>Every row the same, e.g. a column pattern that holds for all sources.</summary>
    public static string[] SameRows(ClusterModel model, string cells) => model.Pods.Select(p => $"{p.Id}: {cells}").ToArray();

    public static string[] SameRows(string cells) => SameRows(DefaultModel.Create(), cells);
}
