using System.Globalization;

namespace CniBench.Cli.Tests;

/// <summary>Tiny scenarios for the tests: a TCP test over 2 nodes × 2 pods, sized to finish in seconds.</summary>
internal static class Scenarios
{
    public static string Tcp(string name, IReadOnlyList<string> cnis, int repetitions, int durationSeconds, bool underlay = true) => $"""
        name: {name}
        description: CLI test scenario
        provider: lab
        cnis: [{string.Join(", ", cnis)}]
        underlay: {(underlay ? "true" : "false")}
        repetitions: {repetitions.ToString(CultureInfo.InvariantCulture)}
        lab:
          nodes: 2
          podsPerNode: 2
          mtu: 1500
        tests:
          - test: tcp
            duration: {durationSeconds.ToString(CultureInfo.InvariantCulture)}s
            warmup: 0s
            streams: [1]
            topologies: [cross-node]
        """;

    public static string Netpol(string name, IReadOnlyList<string> cnis, string suite, IReadOnlyList<string> cases) => $"""
        name: {name}
        provider: lab
        cnis: [{string.Join(", ", cnis)}]
        underlay: false
        repetitions: 1
        lab:
          nodes: 3
          podsPerNode: 3
        tests:
          - test: netpol
            suite: {suite}
            cases: [{string.Join(", ", cases)}]
            probeTimeout: 300ms
            samples: 1
        """;
}
