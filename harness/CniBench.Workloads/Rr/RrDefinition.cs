using System.Globalization;
using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Core.Yaml;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Rr;

/// <summary>
/// The <c>rr</c> test: sockperf ping-pong over TCP and UDP, per message size and number of concurrent flows. Every
/// error is reported at its key or item (file:line:col); the scenario loader collects them with the rest, so nothing
/// starts on bad input.
/// </summary>
public sealed class RrDefinition : ITestKindDefinition
{
    public string Name => RrTestSpec.Name;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var defaults = new RrTestSpec();
        var spec = new RrTestSpec
        {
            Flows = LatencySettings.ReadFlows(map, Name) ?? defaults.Flows,
            Percentiles = LatencySettings.ReadPercentiles(map, Name) ?? defaults.Percentiles,
            Protocols = ReadProtocols(map) ?? defaults.Protocols,
            MessageSizesBytes = ReadMessageSizes(map) ?? defaults.MessageSizesBytes,
        };
        return LatencySettings.Spec(reader, Name, reader.MeasuredDuration("sockperf", LatencySettings.DefaultDuration), spec);
    }

    public ITestKind CreateRunner(TimeProvider time) => new RrKind(new SockperfDriver(SockperfDriverOptions.Default));

    public Core.Measurements.MetricDeclarations Metrics => RrMetrics.Declarations;

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

            if (!RrTestSpec.ProtocolNames.Contains(protocol, StringComparer.Ordinal))
            {
                item.Error($"unknown rr.protocols entry '{protocol}'; expected one of: {string.Join(", ", RrTestSpec.ProtocolNames)}");
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
            else if (bytes is < RrTestSpec.MinMessageBytes or > RrTestSpec.MaxMessageBytes)
            {
                item.Error(string.Create(CultureInfo.InvariantCulture,
                    $"rr.messageSizes: {text} is outside {RrTestSpec.MinMessageBytes}B to {RrTestSpec.MaxMessageBytes}B (sockperf's 14-byte header is its smallest message; one UDP datagram its largest)"));
            }
            else if (!sizes.Contains(bytes))
            {
                sizes.Add(bytes);
            }
        }

        return sizes.Count > 0 ? sizes : null;
    }
}
