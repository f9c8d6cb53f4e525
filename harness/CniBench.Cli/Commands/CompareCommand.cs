using System.CommandLine;
using System.Globalization;
using CniBench.Results;
using CniBench.Results.Compare;
using CniBench.Runs;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench compare &lt;baseline&gt; &lt;candidate&gt;</c>: a verdict per matching metric and network-policy case,
/// as a terminal table, <c>compare.md</c> and <c>junit.xml</c>. Exit 1 on any regression, 2 on bad input.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("baseline") { Description = "Baseline run folder, e.g. results/20261126T181909Z-ebfa" };
        var candidate = new Argument<string>("candidate") { Description = "Candidate run folder to judge against the baseline" };
        var threshold = new Option<string>("--threshold")
        {
            Description = "Minimum effect size: smaller changes are 'same' however significant",
            DefaultValueFactory = _ => "5%",
        };
        var output = new Option<string?>("--out") { Description = "Folder for compare.md and junit.xml (default: the candidate folder)" };
        var command = new Command("compare", "Compare two runs: faster/slower/same per metric (Mann-Whitney + minimum effect), compare.md and junit.xml; exit 1 on a regression")
        {
            baseline, candidate, threshold, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!ComparisonOptions.TryParseThreshold(parse.GetValue(threshold)!, out var fraction))
            {
                await error.WriteLineAsync($"error: --threshold '{parse.GetValue(threshold)}' is not a percentage from 0 to 100, e.g. 5%");
                return ExitCodes.BadInput;
            }

            var options = ComparisonOptions.Default with { Threshold = fraction };
            var candidateDirectory = parse.GetValue(candidate)!;
            CompareReport report;
            try
            {
                report = await RunComparer.CompareAsync(parse.GetValue(baseline)!, candidateDirectory, options, TestKinds.Metrics, cancellationToken);
            }
            catch (Exception ex) when (ex is MeasurementCsvException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
            {
                await error.WriteLineAsync("error: " + ex.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Exit 1 means "regression" to CI; a folder compare cannot read must never pass for one.
                await error.WriteLineAsync($"error: cannot compare {parse.GetValue(baseline)} with {candidateDirectory}: {ex.Message}");
                return ExitCodes.BadInput;
            }

            var outDirectory = parse.GetValue(output) ?? candidateDirectory;
            string markdown, junit;
            try
            {
                markdown = await CompareMarkdown.WriteAsync(outDirectory, report, cancellationToken);
                junit = await CompareJunit.WriteAsync(outDirectory, report, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exit 1 means "regression" to CI; an unwritable --out must not read as one.
                await error.WriteLineAsync($"error: cannot write compare.md and junit.xml to {outDirectory}: {ex.Message}");
                return ExitCodes.BadInput;
            }

            var console = CliConsole.Create(parse);
            Print(console, report);
            PrintRatingAgreement(console, parse.GetValue(baseline)!, candidateDirectory);
            console.MarkupLine($"[dim]wrote {Markup.Escape(markdown)} and {Markup.Escape(junit)}[/]");
            return report.HasRegression ? ExitCodes.Regression : ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, CompareReport report)
    {
        if (report.Mismatches.Count > 0)
        {
            console.MarkupLine("[yellow bold]The runs do not match; only what both measured is compared:[/]");
            foreach (var mismatch in report.Mismatches)
            {
                console.MarkupLine($"[yellow]  {Markup.Escape(mismatch)}[/]");
            }
        }

        // Same and insufficient-data rows make the table long and decide nothing; they are counted in the summary and listed in compare.md.
        var shown = report.Metrics.Where(m => m.Result.Verdict is not (Verdict.Same or Verdict.InsufficientData)).ToList();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(report.Candidate.RunId)}[/] vs baseline [bold]{Markup.Escape(report.Baseline.RunId)}[/] (threshold {report.Options.ThresholdText})");
        foreach (var column in new[] { "cni", "test", "variant", "topology", "metric" })
        {
            table.AddColumn(column);
        }

        table.AddColumn(new TableColumn("baseline (n)").RightAligned());
        table.AddColumn(new TableColumn("candidate (n)").RightAligned());
        table.AddColumn(new TableColumn("change [[95% CI]]").RightAligned());
        table.AddColumn("verdict");
        foreach (var m in shown)
        {
            var r = m.Result;
            table.AddRow(
                Markup.Escape(m.Key.Cni), Markup.Escape(m.Key.Test), Markup.Escape(m.Key.Variant), Markup.Escape(m.Key.Topology), Markup.Escape(m.Key.Metric),
                Markup.Escape($"{CompareFormat.Value(r.BaselineMedian, m.Unit)} ({r.BaselineN.ToString(CultureInfo.InvariantCulture)})"),
                Markup.Escape($"{CompareFormat.Value(r.CandidateMedian, m.Unit)} ({r.CandidateN.ToString(CultureInfo.InvariantCulture)})"),
                Markup.Escape(CompareFormat.Change(r)),
                VerdictMarkup(r.Verdict));
        }

        foreach (var c in report.NetpolCases.Where(c => c.Baseline != c.Candidate))
        {
            table.AddRow(Markup.Escape(c.Cni), Markup.Escape(c.Source.Test), Markup.Escape(c.Case), "", Markup.Escape(c.Source.Metric),
                CompareFormat.Outcome(c.Baseline), CompareFormat.Outcome(c.Candidate), "",
                c.IsRegression ? "[red bold]regression[/]" : c.IsFixed ? "[green]fixed[/]" : "changed");
        }

        if (table.Rows.Count > 0)
        {
            console.Write(table);
        }

        console.MarkupLine(Markup.Escape(CompareFormat.Summary(report)) + " (same and insufficient data: see compare.md)");
        if (report.Metrics.Any(m => m.Result.Verdict == Verdict.InsufficientData))
        {
            console.MarkupLine($"[dim]insufficient data: fewer than {report.MinimumRepetitions} ok repetitions on a side, the least with which Mann-Whitney can be significant at alpha {report.Options.Alpha.ToString("0.###", CultureInfo.InvariantCulture)}[/]");
        }

        if (report.OnlyInBaseline.Count + report.OnlyInCandidate.Count > 0)
        {
            console.MarkupLine($"[yellow]not compared: {report.OnlyInBaseline.Count} series only in the baseline, {report.OnlyInCandidate.Count} only in the candidate (listed in compare.md)[/]");
        }

        console.MarkupLine(report.HasRegression
            ? $"[red bold]{report.Regressions} regression(s)[/]"
            : "[green]no regression[/]");
    }

    /// <summary>
    /// How many of the summary matrix's ratings the two runs share (ratings.csv of each): the measure of whether a
    /// scenario's ratings are reproducible on this host. Folders without ratings.csv (older runs) are skipped with a note.
    /// </summary>
    private static void PrintRatingAgreement(IAnsiConsole console, string baseline, string candidate)
    {
        var first = Path.Combine(baseline, CniBench.Results.Report.RatingsCsv.FileName);
        var second = Path.Combine(candidate, CniBench.Results.Report.RatingsCsv.FileName);
        if (!File.Exists(first) || !File.Exists(second))
        {
            console.MarkupLine($"[dim]rating agreement: not compared ({CniBench.Results.Report.RatingsCsv.FileName} missing; 'cnibench report <dir>' makes it)[/]");
            return;
        }

        CniBench.Results.Report.RatingAgreement agreement;
        try
        {
            agreement = CniBench.Results.Report.RatingAgreement.Of(CniBench.Results.Report.RatingsCsv.Read(first), CniBench.Results.Report.RatingsCsv.Read(second));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            console.MarkupLine($"[yellow]rating agreement: not compared: {Markup.Escape(ex.Message)}[/]");
            return;
        }

        console.MarkupLine(agreement.Compared == 0
            ? "rating agreement: no cell rated in both runs"
            : $"rating agreement: {agreement.Agreeing.ToString(CultureInfo.InvariantCulture)} of {agreement.Compared.ToString(CultureInfo.InvariantCulture)} rated cells " +
              $"({(100 * agreement.Share).ToString("0", CultureInfo.InvariantCulture)}%) have the same rating in both runs");
        foreach (var (a, b) in agreement.Disagreements)
        {
            console.MarkupLine(Markup.Escape($"  {a.Cni} / {a.Criterion}: {a.Rating} → {b.Rating}"));
        }
    }

    private static string VerdictMarkup(Verdict verdict) => verdict switch
    {
        Verdict.Slower => "[red bold]slower[/]",
        Verdict.Faster => "[green]faster[/]",
        Verdict.Changed => "[yellow]changed[/]",
        Verdict.InsufficientData => "[dim]insufficient data[/]",
        _ => "same",
    };
}
