namespace CniBench.Results;

/// <summary>The fixed layout of <c>results/&lt;run-id&gt;/</c>; readers and writers agree on it here.</summary>
public static class RunFolder
{
    public const string RunJson = "run.json";
    public const string MeasurementsCsv = "measurements.csv";
    public const string SummaryCsv = "summary.csv";
    public const string RawDirectory = "raw";
    public const string ChartsDirectory = "charts";
    public const string NetpolDirectory = "netpol";
}
