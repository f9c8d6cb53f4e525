using System.CommandLine;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;
using CniBench.Processes;
using CniBench.Charts;
using CniBench.Results;
using CniBench.Runs;
using CniBench.Results.Export;
using CniBench.Results.Report;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary><c>cnibench report &lt;run-dir&gt;</c>: writes report.html and report.md of a results folder, and report.png when Chromium is installed.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runDirectory = new Argument<string>("run-dir") { Description = "A results folder (results/<run-id>/) with measurements.csv" };
        var suite = new Option<string?>("--suite")
        {
            Description = "Folder of policy case files; their '# covers:' headers tell ingress from egress cases (default: manifests/netpol of this checkout)",
        };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open the report in headless Chromium (no report.png, no render check)" };
        var command = new Command("report",
            "Make summary.csv and the charts again from measurements.csv, then write report.html (self-contained: inline CSS and SVG charts, no script, no external request) and report.md (GitHub Markdown, PNG chart links) " +
            "into a results folder, then render report.html in headless Chromium when it is installed: report.png, and a warning for console errors or missing sections.\n" +
            "Exit codes: 0 written, 2 not a results folder, a corrupt file, or an exporter failed.")
        {
            runDirectory, suite, noBrowser,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            var directory = parse.GetRequiredValue(runDirectory);
            if (!Directory.Exists(directory) || !File.Exists(Path.Combine(directory, RunFolder.MeasurementsCsv)))
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(directory)} {(Directory.Exists(directory) ? $"is not a results folder: it has no {RunFolder.MeasurementsCsv}" : "is not a folder")}");
                return ExitCodes.BadInput;
            }

            var failures = await ReportExport.Exporters(console, parse.GetValue(suite), !parse.GetValue(noBrowser))
                .ExportAsync(new ExportContext(directory, TestKinds.Metrics), cancellationToken);
            ReportExport.Warn(console, failures);
            return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }
}

/// <summary>report.html, report.md and report.png as an exporter of the shared pipeline.</summary>
internal sealed class ReportExporter(IAnsiConsole console, string? suite, bool browser) : IRunExporter
{
    public string Name => "report";

    public async Task ExportAsync(ExportContext context, CancellationToken cancellationToken)
    {
        if (!await ReportExport.WriteAsync(console, context.RunDirectory, suite, browser, context.Metrics, cancellationToken))
        {
            throw new InvalidDataException("the report could not be written (the reason is above)");
        }
    }
}

/// <summary>The report step shared by <c>cnibench report</c> and the end of <c>cnibench run</c>.</summary>
internal static class ReportExport
{
    /// <summary>
    /// Everything made from a results folder, in order: summary.csv, ratings.csv, then the charts (from the summary's
    /// rows), then the report (which embeds the charts). <c>cnibench run</c> and <c>cnibench report</c> run the same list.
    /// </summary>
    public static RunExporters Exporters(IAnsiConsole console, string? suite, bool browser) =>
        new([new SummaryCsvExporter(), new RatingsCsvExporter(SuiteOrDefault(suite)), new ChartsExporter(), new ReportExporter(console, suite, browser)]);

    private static string SuiteOrDefault(string? suite) => suite ?? Path.Combine(RepoPaths.Root(), "manifests", "netpol");

    /// <summary>One line per exporter that failed; the measurements are never touched by an exporter.</summary>
    public static void Warn(IAnsiConsole console, IReadOnlyList<ExportFailure> failures)
    {
        foreach (var failure in failures)
        {
            console.MarkupLine($"[red]could not write {Markup.Escape(failure.Exporter)}[/]: {Markup.Escape(failure.Message)} (the measurements are safe in measurements.csv)");
        }
    }

    /// <summary>Each Chromium call is killed after this long; a report renders in about two seconds.</summary>
    public static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(60);

    /// <returns>False when the folder cannot be reported on (the reason is printed); browser problems are only warnings.</returns>
    public static async Task<bool> WriteAsync(
        IAnsiConsole console, string runDirectory, string? suite, bool browser, MetricRegistry metrics, CancellationToken cancellationToken)
    {
        ReportFiles files;
        try
        {
            files = await ReportGenerator.WriteAsync(runDirectory, SuiteOrDefault(suite), metrics, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or MeasurementCsvException or InvalidDataException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error:[/] cannot report on {Markup.Escape(runDirectory)}: {Markup.Escape(ex.Message)}");
            return false;
        }

        console.MarkupLine($"report: {Markup.Escape(files.HtmlPath)}, {Markup.Escape(files.MarkdownPath)}");
        if (browser)
        {
            await ScreenshotAsync(console, files, LocalProcessRunner.Instance, cancellationToken);
        }

        return true;
    }

    private static async Task ScreenshotAsync(IAnsiConsole console, ReportFiles files, IProcessRunner runner, CancellationToken cancellationToken)
    {
        if (ReportBrowser.Find() is not { } chromium)
        {
            console.MarkupLine("[dim]no report.png: Chromium is not installed (apt-get install chromium; ./run.sh installs it)[/]");
            return;
        }

        var screenshot = Path.Combine(Path.GetDirectoryName(files.HtmlPath)!, ReportGenerator.ScreenshotFile);
        try
        {
            var check = await ReportBrowser.CheckAsync(runner, chromium, files.HtmlPath, files.SectionIds, screenshot, BrowserTimeout, cancellationToken);
            foreach (var message in check.ConsoleMessages)
            {
                console.MarkupLine($"[yellow]warning:[/] browser console: {Markup.Escape(message)}");
            }

            if (check.MissingSections.Count > 0)
            {
                console.MarkupLine($"[yellow]warning:[/] Chromium did not find the sections {Markup.Escape(string.Join(", ", check.MissingSections))} in report.html");
            }

            console.MarkupLine(check.ScreenshotPath is { } path
                ? $"screenshot: {Markup.Escape(path)}"
                : "[yellow]warning:[/] Chromium wrote no screenshot");
        }
        catch (Exception ex) when (ex is ProcessTimeoutException or InvalidOperationException or ToolMissingException or IOException)
        {
            console.MarkupLine($"[yellow]warning:[/] no report.png: {Markup.Escape(ex.Message)}");
        }
    }
}
