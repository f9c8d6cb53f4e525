namespace CniBench.Results;

/// <summary>The end-of-run step: measurements.csv in, summary.csv out.</summary>
public static class RunSummary
{
    /// <summary>Reads the run folder's measurements.csv, writes its summary.csv and returns the rows (for tables and charts).</summary>
    /// <exception cref="MeasurementCsvException">measurements.csv has a corrupt row.</exception>
    public static async Task<IReadOnlyList<SummaryRow>> WriteAsync(string runDirectory, CancellationToken cancellationToken)
    {
        var measurements = MeasurementCsvReader.Read(Path.Join(runDirectory, RunFolder.MeasurementsCsv));
        var rows = SummaryBuilder.Build(measurements);
        await SummaryCsv.WriteAsync(runDirectory, rows, cancellationToken);
        return rows;
    }
}
