using System.Globalization;
using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using CniBench.Core.Yaml;

namespace CniBench.Workloads.Rr;

/// <summary>
/// Reads an <c>rr</c> or <c>crr</c> test entry. Every error is reported at its key or item (file:line:col) through the
/// map; the scenario loader collects them with the rest, so nothing starts on bad input.
/// </summary>
public static class LatencySpecReader
{
    /// <summary>sockperf and iperf2 take whole seconds; short by default since rr repeats over many variants.</summary>
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);

    /// <summary>An <paramref name="kind"/> entry (<see cref="LatencyTestSpec.Rr"/> or <see cref="LatencyTestSpec.Crr"/>) through the shared rules of <paramref name="reader"/>.</summary>
    public static TestSpec Read(TestReader reader, string kind)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var rr = kind == LatencyTestSpec.Rr;
        var duration = rr ? reader.MeasuredDuration("sockperf", DefaultDuration) : DefaultDuration;
        var spec = new LatencyTestSpec { Test = kind };
        spec = spec with
        {
            Flows = ReadFlows(map, kind) ?? spec.Flows,
            Percentiles = ReadPercentiles(map, kind) ?? spec.Percentiles,
        };
        if (rr)
        {
            spec = spec with
            {
                Protocols = ReadProtocols(map) ?? spec.Protocols,
                MessageSizesBytes = ReadMessageSizes(map) ?? spec.MessageSizesBytes,
            };
        }
        else
        {
            spec = spec with
            {
                Connections = map.Int("connections", required: false, min: 100, max: 1_000_000) ?? spec.Connections,
                FlushConntrack = map.Bool("flushConntrack", required: false) ?? spec.FlushConntrack,
            };
        }

        return new TestSpec
        {
            Test = kind,
            Duration = duration,
            Warmup = TimeSpan.Zero,
            Topologies = reader.Topologies([Topologies.CrossNode, Topologies.PodToService]),
            Repetitions = reader.Repetitions(),
            Settings = spec,
        };
    }

    private static List<int>? ReadFlows(YamlMap map, string kind)
    {
        if (map.Value("flows") is not { } value)
        {
            return null;
        }

        var flows = new List<int>();
        foreach (var item in value.Items())
        {
            if (item.Text is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= LatencyTestSpec.MaxFlows)
            {
                if (!flows.Contains(n))
                {
                    flows.Add(n);
                }
            }
            else
            {
                item.Error($"{kind}.flows must be whole numbers of concurrent flows from 1 to {LatencyTestSpec.MaxFlows}, found '{item.Text}'");
            }
        }

        return flows.Count > 0 ? flows : null;
    }

    private static List<double>? ReadPercentiles(YamlMap map, string kind)
    {
        if (map.Value("percentiles") is not { } value)
        {
            return null;
        }

        var known = string.Join(", ", LatencyTestSpec.KnownPercentiles.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var percentiles = new List<double>();
        foreach (var item in value.Items())
        {
            if (item.Text is not { } text
                || !double.TryParse(text.Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                || !LatencyTestSpec.KnownPercentiles.Contains(p))
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

    private static List<string>? ReadProtocols(YamlMap map)
    {
        if (map.Value("protocols") is not { } value)
        {
            return null;
        }

        var protocols = new List<string>();
        foreach (var item in value.Items())
        {
            if (item.String() is not { } protocol)
            {
                continue;
            }

            if (!LatencyTestSpec.ProtocolNames.Contains(protocol, StringComparer.Ordinal))
            {
                item.Error($"unknown rr.protocols entry '{protocol}'; expected one of: {string.Join(", ", LatencyTestSpec.ProtocolNames)}");
            }
            else if (!protocols.Contains(protocol, StringComparer.Ordinal))
            {
                protocols.Add(protocol);
            }
        }

        return protocols.Count > 0 ? protocols : null;
    }

    private static List<long>? ReadMessageSizes(YamlMap map)
    {
        if (map.Value("messageSizes") is not { } value)
        {
            return null;
        }

        var sizes = new List<long>();
        foreach (var item in value.Items())
        {
            if (item.Text is not { } text || !Quantities.TryParseSize(text, out var bytes))
            {
                item.Error($"rr.messageSizes: '{item.Text}' is not a size; write bytes with a unit B, KiB or MiB, such as 14B or 1KiB");
            }
            else if (bytes is < LatencyTestSpec.MinMessageBytes or > LatencyTestSpec.MaxMessageBytes)
            {
                item.Error(string.Create(CultureInfo.InvariantCulture,
                    $"rr.messageSizes: {text} is outside {LatencyTestSpec.MinMessageBytes}B to {LatencyTestSpec.MaxMessageBytes}B (sockperf's 14-byte header is its smallest message; one UDP datagram its largest)"));
            }
            else if (!sizes.Contains(bytes))
            {
                sizes.Add(bytes);
            }
        }

        return sizes.Count > 0 ? sizes : null;
    }
}
