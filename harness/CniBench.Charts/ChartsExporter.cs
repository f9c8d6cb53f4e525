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

        // Policy cases have their own heatmap, and the path MTU its table: bars of them (or of the CPU a ping uses) would be noise.
        ChartRenderer.RenderAll([.. summary.Where(r => r.Test is not ("netpol" or "mtu"))], charts);
        ConformanceChart.Render(summary, charts);
        ThroughputCpuChart.RenderAll(summary, charts);
        LatencyChart.RenderAll(summary, charts);
        ChurnChart.RenderAll(summary, context.RunDirectory, charts);
        return Task.CompletedTask;
    }
}
