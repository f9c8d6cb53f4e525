using CniBench.Core.Measurements;

namespace CniBench.Results.Tests;

internal static class Samples
{
    public static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static Measurement Row(
        string cni,
        double? value,
        int repetition = 1,
        string test = "tcp",
        string variant = "streams-1",
        string topology = Topologies.CrossNode,
        string metric = Metrics.ThroughputBps,
        MeasurementStatus status = MeasurementStatus.Ok,
        string? reason = null) => new()
        {
            RunId = "20261126T120000Z-ab12",
            Provider = "lab",
            Cni = cni,
            Test = test,
            Variant = variant,
            Topology = topology,
            Repetition = repetition,
            Metric = metric,
            Value = value,
            Unit = metric == Metrics.ThroughputBps ? Metrics.BitsPerSecond : Metrics.Percent,
            Status = status,
            Reason = reason,
            Timestamp = At.AddSeconds(repetition),
            RawFile = status == MeasurementStatus.Ok ? $"raw/{test}/{cni}-{repetition}.json" : null,
        };
}
