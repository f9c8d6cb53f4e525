using CniBench.Results;
using CniBench.Results.Export;

namespace CniBench.Charts;

/// <summary>Every chart of a results folder, from the summary the summary exporter built (charts/*.png|svg).</summary>
public sealed class ChartsExporter : IRunExporter
{
    public string Name => RunFolder.ChartsDirectory;

    public Task ExportAsync(ExportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var summary = context.Summary ?? throw new InvalidOperationException("no summary to chart (summary.csv could not be made)");
        var charts = Path.Combine(context.RunDirectory, RunFolder.ChartsDirectory);

        // Kinds whose figures are outcomes (policy cases have their own heatmap, the path MTU its table) say so: bars of
        // them, or of the CPU a ping uses, would be noise.
        ChartRenderer.RenderAll([.. summary.Where(r => context.Metrics.IsBarCharted(r.Test))], charts, context.Metrics);
        ConformanceChart.Render(summary, charts);
        ThroughputCpuChart.RenderAll(summary, charts);
        LatencyChart.RenderAll(summary, charts);
        ChurnChart.RenderAll(summary, context.RunDirectory, charts);
        return Task.CompletedTask;
    }
}
