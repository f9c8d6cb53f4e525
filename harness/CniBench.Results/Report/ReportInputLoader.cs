using System.Text.Json;
using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>Reads a run folder into a <see cref="ReportInput"/>.</summary>
public static class ReportInputLoader
{

    /// <param name="runDirectory">The results folder of one run.</param>
    /// <param name="policySuite">A folder of policy case files whose <c># covers:</c> headers say which direction each case tests; null or absent: directions come from the case names.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no measurements.csv.</exception>
    /// <exception cref="MeasurementCsvException">measurements.csv has a corrupt row.</exception>
    /// <param name="metrics">The declarations the report reads its criteria and cases from.</param>
    public static async Task<ReportInput> LoadAsync(string runDirectory, string? policySuite, MetricRegistry metrics, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{runDirectory} is not a folder");
        }

        var csv = Path.Join(directory, RunFolder.MeasurementsCsv);
        if (!File.Exists(csv))
        {
            throw new FileNotFoundException($"{runDirectory} has no {RunFolder.MeasurementsCsv}: it is not a CniBench results folder", csv);
        }

        var measurements = MeasurementCsvReader.Read(csv);
        RunInfo? run = null;
        if (File.Exists(Path.Join(directory, RunFolder.RunJson)))
        {
            try
            {
                run = await RunInfoStore.ReadAsync(directory, cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Path.Join(runDirectory, RunFolder.RunJson)} is not valid run.json: {ex.Message}", ex);
            }
        }

        return new ReportInput
        {
            RunDirectory = directory,
            Run = run,
            Measurements = measurements,
            Metrics = metrics,
            Summary = SummaryBuilder.Build(measurements),
            Charts = FindCharts(directory),
            FailedCaseTables = await ReadFailedCasesAsync(directory, measurements, cancellationToken),
            CaseDirections = ReadCaseDirections(policySuite),
            Windows = MeasurementWindows.Read(directory, measurements),
        };
    }

    private static List<ChartFile> FindCharts(string directory)
    {
        var charts = Path.Join(directory, RunFolder.ChartsDirectory);
        if (!Directory.Exists(charts))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(charts)
            .Where(f => f.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .GroupBy(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
            .OrderBy(g => ChartRank(g.Key))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChartFile(
                g.Key,
                Relative(g.FirstOrDefault(f => f.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))),
                Relative(g.FirstOrDefault(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)))))];

        string? Relative(string? path) => path is null ? null : RunFolder.ChartsDirectory + "/" + Path.GetFileName(path);
    }

    /// <summary>Throughput first, then the other figures (policy, requests), host CPU last.</summary>
    private static int ChartRank(string stem) =>
        stem.Contains("throughput", StringComparison.Ordinal) ? 0 : stem.EndsWith("-cpu", StringComparison.Ordinal) ? 2 : 1;

    private static async Task<List<NetpolCaseTables>> ReadFailedCasesAsync(string directory, IReadOnlyList<Measurement> measurements, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(Path.Join(directory, RunFolder.NetpolDirectory)) + Path.DirectorySeparatorChar;
        var tables = new List<NetpolCaseTables>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in measurements)
        {
            if (m.Metric != Metrics.CasePass || m.Status != MeasurementStatus.Ok || m.Value is not 0 || m.RawFile is not { } raw || !seen.Add(raw))
            {
                continue;
            }

            // raw_file comes from the CSV: only a file inside netpol/ is read, whatever the column says.
            var full = Path.GetFullPath(Path.Join(directory, raw));
            if (!full.StartsWith(root, StringComparison.Ordinal) || !File.Exists(full))
            {
                continue;
            }

            var text = await File.ReadAllTextAsync(full, cancellationToken);
            tables.Add(new NetpolCaseTables(m.Cni, m.Variant, m.Repetition, raw, text));
        }

        return tables;
    }

    /// <summary>Case name → directions from the <c># covers:</c> header line of each <c>&lt;suite&gt;/*.yaml</c>.</summary>
    public static IReadOnlyDictionary<string, PolicyDirections> ReadCaseDirections(string? policySuite)
    {
        var directions = new Dictionary<string, PolicyDirections>(StringComparer.Ordinal);
        if (policySuite is null || !Directory.Exists(policySuite))
        {
            return directions;
        }

        foreach (var file in Directory.EnumerateFiles(policySuite, "*.yaml"))
        {
            var covers = File.ReadLines(file)
                .TakeWhile(l => l.StartsWith('#'))
                .Select(l => l.TrimStart('#').Trim())
                .FirstOrDefault(l => l.StartsWith("covers:", StringComparison.Ordinal));
            if (covers is null)
            {
                continue;
            }

            var tokens = covers["covers:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var found = PolicyDirections.None;
            found |= tokens.Contains("ingress", StringComparer.Ordinal) ? PolicyDirections.Ingress : PolicyDirections.None;
            found |= tokens.Contains("egress", StringComparer.Ordinal) ? PolicyDirections.Egress : PolicyDirections.None;
            directions[Path.GetFileNameWithoutExtension(file)] = found;
        }

        return directions;
    }

    /// <summary>Directions of a case: its <c>covers:</c> header when known, else the words <c>ingress</c>/<c>egress</c>/<c>both</c> in its name.</summary>
    public static PolicyDirections DirectionsOf(string caseName, IReadOnlyDictionary<string, PolicyDirections> known)
    {
        ArgumentNullException.ThrowIfNull(caseName);
        ArgumentNullException.ThrowIfNull(known);
        if (known.TryGetValue(caseName, out var directions))
        {
            return directions;
        }

        var words = caseName.Split('-');
        var result = PolicyDirections.None;
        if (words.Contains("ingress", StringComparer.Ordinal) || words.Contains("both", StringComparer.Ordinal))
        {
            result |= PolicyDirections.Ingress;
        }

        if (words.Contains("egress", StringComparer.Ordinal) || words.Contains("both", StringComparer.Ordinal))
        {
            result |= PolicyDirections.Egress;
        }

        return result;
    }
}
