using CniBench.Core.Measurements;

namespace CniBench.Results.Export;

/// <summary>What exporters share while they run over one results folder: the folder, the metric declarations, and the summary once it is built.</summary>
public sealed class ExportContext(string runDirectory, MetricRegistry metrics)
{
    public string RunDirectory { get; } = runDirectory;

    public MetricRegistry Metrics { get; } = metrics;

    /// <summary>Set by the summary exporter, so later exporters (charts, tables) read the same rows it wrote.</summary>
    public IReadOnlyList<SummaryRow>? Summary { get; set; }
}

/// <summary>One file or family of files made from a results folder (summary.csv, charts, report).</summary>
public interface IRunExporter
{
    /// <summary>What it writes, for messages: <c>summary.csv</c>, <c>charts</c>, <c>report</c>.</summary>
    string Name { get; }

    Task ExportAsync(ExportContext context, CancellationToken cancellationToken);
}

/// <summary>An exporter that failed, and why; the measurements it read are untouched.</summary>
public sealed record ExportFailure(string Exporter, string Message);

/// <summary>
/// Runs exporters in order over one results folder. One that fails is recorded and the rest still run: an exporter
/// never loses a run, since everything is made again from measurements.csv by <c>cnibench report</c>.
/// </summary>
public sealed class RunExporters(IReadOnlyList<IRunExporter> exporters)
{
    public IReadOnlyList<IRunExporter> Exporters { get; } = exporters;

    public async Task<IReadOnlyList<ExportFailure>> ExportAsync(ExportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failures = new List<ExportFailure>();
        foreach (var exporter in Exporters)
        {
            try
            {
                await exporter.ExportAsync(context, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                failures.Add(new ExportFailure(exporter.Name, ex.Message));
            }
        }

        return failures;
    }
}

/// <summary>summary.csv from what is on disk, so the summary can never disagree with measurements.csv.</summary>
public sealed class SummaryCsvExporter : IRunExporter
{
    public string Name => RunFolder.SummaryCsv;

    /// <exception cref="MeasurementCsvException">measurements.csv has a corrupt row.</exception>
    public async Task ExportAsync(ExportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var measurements = MeasurementCsvReader.Read(Path.Join(context.RunDirectory, RunFolder.MeasurementsCsv));
        context.Summary = SummaryBuilder.Build(measurements);
        await SummaryCsv.WriteAsync(context.RunDirectory, context.Summary, cancellationToken);
    }
}

/// <summary>ratings.csv: the summary matrix with each rating's ratio, interval, n and significance.</summary>
/// <param name="policySuite">The policy case folder whose headers tell ingress from egress cases (as the report uses).</param>
public sealed class RatingsCsvExporter(string? policySuite) : IRunExporter
{
    public string Name => Report.RatingsCsv.FileName;

    public async Task ExportAsync(ExportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = await Report.ReportInputLoader.LoadAsync(context.RunDirectory, policySuite, context.Metrics, cancellationToken);
        var matrix = Report.SummaryMatrixBuilder.Build(input.Summary, input.Run, input.CaseDirections, input.Measurements, input.Metrics);
        await Report.RatingsCsv.WriteAsync(context.RunDirectory, Report.RatingsCsv.From(matrix), cancellationToken);
    }
}
