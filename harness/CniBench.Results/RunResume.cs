using System.Text;
using CniBench.Core.Measurements;

namespace CniBench.Results;

/// <summary>What a resumed run may skip, and what preparing the folder removed so it can be measured again.</summary>
public sealed record ResumePoint(IReadOnlySet<MeasurementKey> Done, IReadOnlyList<MeasurementKey> Remeasured, bool DroppedTornLine);

/// <summary>
/// Prepares an interrupted run folder for <c>cnibench run --resume</c>. A process killed with SIGKILL can leave
/// a torn last line, and the last measurement's rows may be only partly written; neither can be told from a
/// complete one with certainty, so the torn line and every row of the last measurement go, and that measurement
/// runs again. A repetition of cases (the network-policy cases) is kept only with its score variant, as the kind
/// declares it (<see cref="CaseGrading"/>): the score is computed from the cases of the same repetition in the same
/// process, so cases without it are measured again with it.
/// </summary>
public static class RunResume
{
    /// <param name="metrics">Which tests' variants are cases, and the variant that completes a repetition of them.</param>
    /// <exception cref="MeasurementCsvException">A row before the last line is corrupt: that is not an interruption, and nothing is changed.</exception>
    public static async Task<ResumePoint> PrepareAsync(string runDirectory, MetricRegistry metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var path = Path.Join(runDirectory, RunFolder.MeasurementsCsv);
        if (!File.Exists(path))
        {
            return new ResumePoint(new HashSet<MeasurementKey>(), [], DroppedTornLine: false);
        }

        var text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
        var torn = text.Length > 0 && !text.EndsWith('\n');
        if (torn)
        {
            text = text[..(text.LastIndexOf('\n') + 1)];
        }

        var rows = MeasurementCsvReader.Read(new StringReader(text), path);
        var drop = new HashSet<MeasurementKey>();
        if (rows.Count > 0)
        {
            drop.Add(rows[^1].Key);
        }

        var scored = rows
            .Where(r => metrics.CasesOf(r.Test)?.ScoreVariant == r.Variant)
            .Select(r => (r.Cni, r.Test, r.Repetition))
            .ToHashSet();
        foreach (var row in rows.Where(r => metrics.CasesOf(r.Test) is not null && !scored.Contains((r.Cni, r.Test, r.Repetition))))
        {
            drop.Add(row.Key);
        }

        var kept = rows.Where(r => !drop.Contains(r.Key)).ToList();
        if (torn || kept.Count != rows.Count)
        {
            await RewriteAsync(runDirectory, path, kept, cancellationToken);
        }

        return new ResumePoint(kept.Select(r => r.Key).ToHashSet(), [.. drop.Order(Comparer<MeasurementKey>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString())))], torn);
    }

    /// <summary>Writes the kept rows through the normal sink (same header and format), keeping the old file until the new one is complete.</summary>
    private static async Task RewriteAsync(string runDirectory, string path, IReadOnlyList<Measurement> kept, CancellationToken cancellationToken)
    {
        var backup = path + ".before-resume";
        File.Move(path, backup, overwrite: true);
        await using (var sink = CsvMeasurementSink.Open(runDirectory))
        {
            await sink.WriteAsync(kept, cancellationToken);
        }

        File.Delete(backup);
    }
}
