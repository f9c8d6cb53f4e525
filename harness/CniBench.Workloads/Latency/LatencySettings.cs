using System.Globalization;
using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using CniBench.Core.Yaml;

namespace CniBench.Workloads.Latency;

/// <summary>
/// What the two latency tests (<c>rr</c> and <c>crr</c>) read alike: concurrent flows and the percentiles reported,
/// with their limits and one error message each, so the two tests cannot drift apart on them.
/// </summary>
public static class LatencySettings
{
    /// <summary>sockperf and iperf2 take whole seconds; short by default since rr repeats over many variants.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);

    /// <summary>Concurrent flows are separate tool processes on consecutive ports, each needing a Service port: bounded.</summary>
    public const int MaxFlows = 8;

    /// <summary>The percentiles a test may report: each has a declared metric (latency_p50_us …).</summary>
    public static IReadOnlyList<double> KnownPercentiles { get; } = [50, 90, 99, 99.9, 99.99];

    public static IReadOnlyList<int> DefaultFlows { get; } = [1, 4];

    public static IReadOnlyList<double> DefaultPercentiles { get; } = [50, 90, 99, 99.9];

    /// <summary><c>1-flow</c>, <c>4-flows</c>: the flows part of a variant's name.</summary>
    public static string FlowsName(int flows) => flows.ToString(CultureInfo.InvariantCulture) + (flows == 1 ? "-flow" : "-flows");

    /// <summary>
    /// A latency test entry as both kinds plan it: cross-node and through a Service by default, no warm-up (sockperf
    /// warms up by itself; a new connection has nothing to warm), and the kind's own <paramref name="settings"/>.
    /// </summary>
    public static TestSpec Spec(TestReader reader, string kind, TimeSpan duration, TestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new TestSpec
        {
            Test = kind,
            Duration = duration,
            Warmup = TimeSpan.Zero,
            Topologies = reader.Topologies([Topologies.CrossNode, Topologies.PodToService]),
            Repetitions = reader.Repetitions(),
            Settings = settings,
        };
    }

    /// <summary>The <c>flows</c> list of a <paramref name="kind"/> entry, each item checked; null when absent or all wrong.</summary>
    public static List<int>? ReadFlows(YamlMap map, string kind)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Value("flows") is not { } value)
        {
            return null;
        }

        var flows = new List<int>();
        foreach (var item in value.Items())
        {
            if (item.Text is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxFlows)
            {
                if (!flows.Contains(n))
                {
                    flows.Add(n);
                }
            }
            else
            {
                item.Error($"{kind}.flows must be whole numbers of concurrent flows from 1 to {MaxFlows}, found '{item.Text}'");
            }
        }

        return flows.Count > 0 ? flows : null;
    }

    /// <summary>The <c>percentiles</c> list of a <paramref name="kind"/> entry: known ones, ascending; null when absent or all wrong.</summary>
    public static List<double>? ReadPercentiles(YamlMap map, string kind)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Value("percentiles") is not { } value)
        {
            return null;
        }

        var known = string.Join(", ", KnownPercentiles.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var percentiles = new List<double>();
        foreach (var item in value.Items())
        {
            if (item.Text is not { } text
                || !double.TryParse(text.Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                || !KnownPercentiles.Contains(p))
            {
                item.Error($"{kind}.percentiles: '{item.Text}' is not a reported percentile; choose from {known} (the maximum is always reported)");
            }
            else if (percentiles.Count > 0 && p <= percentiles[^1])
            {
                item.Error($"{kind}.percentiles must be ascending: {p.ToString(CultureInfo.InvariantCulture)} comes after {percentiles[^1].ToString(CultureInfo.InvariantCulture)}");
            }
            else
            {
                percentiles.Add(p);
            }
        }

        return percentiles.Count > 0 ? percentiles : null;
    }
}
