using CniBench.Core.Measurements;

namespace CniBench.Results.Compare;

/// <summary>
/// Compares two run folders: every (cni, test, variant, topology, metric) present in both with a verdict, every
/// network-policy case as pass/fail, and a list of what only one side has. Directions, and which tests' variants are
/// pass/fail cases, come from the metric registry.
/// </summary>
public static class RunComparer
{
    /// <exception cref="MeasurementCsvException">A measurements.csv is corrupt or truncated.</exception>
    /// <exception cref="FileNotFoundException">A folder has no measurements.csv.</exception>
    public static async Task<CompareReport> CompareAsync(
        string baselineDirectory, string candidateDirectory, ComparisonOptions options, MetricRegistry metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseline = await LoadedRun.LoadAsync(baselineDirectory, cancellationToken);
        var candidate = await LoadedRun.LoadAsync(candidateDirectory, cancellationToken);
        return Compare(baseline, candidate, options, metrics);
    }

    public static CompareReport Compare(LoadedRun baseline, LoadedRun candidate, ComparisonOptions options, MetricRegistry metrics)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var baseSeries = Series(baseline.Measurements, metrics);
        var candidateSeries = Series(candidate.Measurements, metrics);
        var comparisons = new List<MetricComparison>();
        foreach (var (key, candidateGroup) in candidateSeries)
        {
            if (baseSeries.TryGetValue(key, out var baseGroup))
            {
                var direction = metrics.DirectionOf(key.Metric);
                comparisons.Add(new MetricComparison(key, candidateGroup.Unit.Length > 0 ? candidateGroup.Unit : baseGroup.Unit, direction,
                    RepetitionComparer.Compare(baseGroup.Values, candidateGroup.Values, direction, options)));
            }
        }

        var baseCases = Cases(baseline.Measurements, metrics);
        var candidateCases = Cases(candidate.Measurements, metrics);
        var cases = candidateCases
            .Where(c => baseCases.ContainsKey(c.Key))
            .Select(c => new NetpolCaseComparison(c.Key.Cni, c.Key.Case, baseCases[c.Key], c.Value)
            {
                Source = (c.Key.Test, metrics.CasesOf(c.Key.Test)!.PassMetric),
            })
            .ToList();

        return new CompareReport
        {
            Baseline = baseline.Identity,
            Candidate = candidate.Identity,
            Options = options,
            MinimumRepetitions = RepetitionComparer.MinimumRepetitions(options.Alpha),
            Mismatches = Mismatches(baseline, candidate),
            Metrics = [.. comparisons.OrderBy(m => m.Key.Cni, StringComparer.Ordinal).ThenBy(m => m.Key.Test, StringComparer.Ordinal)
                .ThenBy(m => m.Key.Variant, StringComparer.Ordinal).ThenBy(m => m.Key.Topology, StringComparer.Ordinal)
                .ThenBy(m => m.Key.Metric, StringComparer.Ordinal)],
            NetpolCases = [.. cases.OrderBy(c => c.Cni, StringComparer.Ordinal).ThenBy(c => c.Case, StringComparer.Ordinal)],
            OnlyInBaseline = OnlyIn(baseSeries, candidateSeries, baseCases, candidateCases),
            OnlyInCandidate = OnlyIn(candidateSeries, baseSeries, candidateCases, baseCases),
        };
    }

    internal sealed record Group(string Unit, List<double> Values);

    /// <summary>
    /// Ok values per series, in file order; a series seen only with failed rows has no values but still exists. The rows
    /// of a test whose variants are cases are per-case diagnostics, compared through the cases instead.
    /// </summary>
    internal static Dictionary<SeriesKey, Group> Series(IEnumerable<Measurement> rows, MetricRegistry metrics)
    {
        var series = new Dictionary<SeriesKey, Group>();
        foreach (var m in rows)
        {
            if (metrics.CasesOf(m.Test) is not null)
            {
                continue;
            }

            var key = new SeriesKey(m.Cni, m.Test, m.Variant, m.Topology, m.Metric);
            if (!series.TryGetValue(key, out var group))
            {
                group = new Group(m.Unit, []);
                series.Add(key, group);
            }

            if (m.Status == MeasurementStatus.Ok && m.Value is { } value)
            {
                group.Values.Add(value);
            }
        }

        return series;
    }

    private static Dictionary<(string Cni, string Test, string Case), CaseOutcome> Cases(IEnumerable<Measurement> rows, MetricRegistry metrics) =>
        rows.Where(m => metrics.CasesOf(m.Test)?.PassMetric == m.Metric)
            .GroupBy(m => (m.Cni, m.Test, Case: m.Variant))
            .ToDictionary(g => g.Key, g =>
            {
                var graded = g.Where(m => m.Status == MeasurementStatus.Ok && m.Value is not null).ToList();
                return graded.Count == 0 ? CaseOutcome.NoResult
                    : graded.All(m => m.Value >= 1) ? CaseOutcome.Pass
                    : CaseOutcome.Fail;
            });

    private static List<string> OnlyIn(
        Dictionary<SeriesKey, Group> side, Dictionary<SeriesKey, Group> other,
        Dictionary<(string Cni, string Test, string Case), CaseOutcome> sideCases, Dictionary<(string Cni, string Test, string Case), CaseOutcome> otherCases) =>
        [
            .. side.Keys.Where(k => !other.ContainsKey(k)).Select(k => k.ToString()),
            .. sideCases.Keys.Where(k => !otherCases.ContainsKey(k)).Select(k => $"{k.Cni}/{k.Test}/{k.Case} (case)"),
        ];

    private static List<string> Mismatches(LoadedRun baseline, LoadedRun candidate)
    {
        var list = new List<string>();
        if (baseline.Info is null)
        {
            list.Add($"baseline {baseline.Identity.Directory} has no run.json: scenario and host cannot be checked");
        }

        if (candidate.Info is null)
        {
            list.Add($"candidate {candidate.Identity.Directory} has no run.json: scenario and host cannot be checked");
        }

        if (baseline.Info is not { } b || candidate.Info is not { } c)
        {
            return list;
        }

        void Check(string what, string left, string right)
        {
            if (!string.Equals(left, right, StringComparison.Ordinal))
            {
                list.Add($"{what} differs: baseline '{left}', candidate '{right}'");
            }
        }

        Check("scenario", b.ScenarioName, c.ScenarioName);
        if (b.ScenarioName == c.ScenarioName)
        {
            Check("scenario file (sha256)", b.ScenarioSha256, c.ScenarioSha256);
        }

        Check("provider", b.Provider, c.Provider);
        Check("host", b.Host.Hostname, c.Host.Hostname);
        Check("CPU model", b.Host.CpuModel, c.Host.CpuModel);
        Check("logical cores", b.Host.LogicalCores.ToString(System.Globalization.CultureInfo.InvariantCulture),
            c.Host.LogicalCores.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Check("kernel", b.Host.KernelRelease, c.Host.KernelRelease);
        return list;
    }
}

/// <summary>A run folder read into memory: run.json (when present) and every row of measurements.csv.</summary>
public sealed record LoadedRun(ComparedRun Identity, RunInfo? Info, IReadOnlyList<Measurement> Measurements)
{
    /// <exception cref="MeasurementCsvException">measurements.csv is corrupt or truncated.</exception>
    /// <exception cref="FileNotFoundException">The folder has no measurements.csv.</exception>
    public static async Task<LoadedRun> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(directory);
        var csv = Path.Join(full, RunFolder.MeasurementsCsv);
        if (!File.Exists(csv))
        {
            throw new FileNotFoundException($"{full} is not a run folder: it has no {RunFolder.MeasurementsCsv}", csv);
        }

        var rows = MeasurementCsvReader.Read(csv);
        RunInfo? info = null;
        if (File.Exists(Path.Join(full, RunFolder.RunJson)))
        {
            try
            {
                info = await RunInfoStore.ReadAsync(full, cancellationToken);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new InvalidDataException($"{Path.Join(full, RunFolder.RunJson)}: not valid run.json ({ex.Message})", ex);
            }
        }

        var identity = new ComparedRun(
            full,
            info?.RunId ?? (rows.Count > 0 ? rows[0].RunId : null) ?? Path.GetFileName(full),
            info?.ScenarioName ?? "",
            info?.ScenarioSha256 ?? "",
            info?.Provider ?? (rows.Count > 0 ? rows[0].Provider : null) ?? "",
            info?.Host.Hostname ?? "",
            info?.StartedAt ?? (rows.Count > 0 ? rows.Min(r => r.Timestamp) : null));
        return new LoadedRun(identity, info, rows);
    }
}
