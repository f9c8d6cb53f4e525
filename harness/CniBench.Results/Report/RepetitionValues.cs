using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>The ok values of each (cni, test, variant, topology, metric), one per repetition, in repetition order.</summary>
internal sealed class RepetitionValues(IReadOnlyList<Measurement> measurements)
{
    private readonly ILookup<(string, string, string, string, string), Measurement> _values = measurements
        .Where(m => m.Status == MeasurementStatus.Ok && m.Value is not null)
        .ToLookup(m => (m.Cni, m.Test, m.Variant, m.Topology, m.Metric));

    public IReadOnlyList<double> Of(SummaryRow row) => Of(row.Cni, row.Test, row.Variant, row.Topology, row.Metric);

    public IReadOnlyList<double> Of(string cni, MatrixGroup group) => Of(cni, group.Test, group.Variant, group.Topology, group.Metric);

    private IReadOnlyList<double> Of(string cni, string test, string variant, string topology, string metric) =>
        [.. _values[(cni, test, variant, topology, metric)].OrderBy(m => m.Repetition).Select(m => m.Value!.Value)];
}
