using System.CommandLine;
using CniBench.Charts;
using CniBench.Results.History;
using CniBench.Runs;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench history &lt;results-root&gt;</c>: a trend chart per series over every run folder under the root, and
/// <c>history.md</c> naming the run where a regression started.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var root = new Argument<string>("results-root") { Description = "Folder holding run folders, e.g. results" };
        var output = new Option<string?>("--out") { Description = "Folder for the charts and history.md (default: <results-root>/history)" };
        var metrics = new Option<string[]>("--metric")
        {
            Description = "Metric to chart (repeatable); default: throughput_bps and any p99 latency",
            AllowMultipleArgumentsPerToken = false,
        };
        var threshold = new Option<string>("--threshold") { Description = "Minimum effect size for a regression", DefaultValueFactory = _ => "5%" };
        var window = new Option<int>("--window") { Description = "Earlier runs a run is compared with (1-20)", DefaultValueFactory = _ => 3 };
        var maxCharts = new Option<int>("--max-charts") { Description = "Upper bound on series charted (1-2000)", DefaultValueFactory = _ => 200 };
        var command = new Command("history", "Trend charts per metric over the runs under a results folder, flagging the run where a regression started")
        {
            root, output, metrics, threshold, window, maxCharts,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            if (!Results.Compare.ComparisonOptions.TryParseThreshold(parse.GetValue(threshold)!, out var fraction))
            {
                problems.Add($"--threshold '{parse.GetValue(threshold)}' is not a percentage from 0 to 100, e.g. 5%");
            }

            if (parse.GetValue(window) is < 1 or > 20)
            {
                problems.Add("--window must be 1-20");
            }

            if (parse.GetValue(maxCharts) is < 1 or > 2000)
            {
                problems.Add("--max-charts must be 1-2000");
            }

            var rootDirectory = parse.GetValue(root)!;
            if (!Directory.Exists(rootDirectory))
            {
                problems.Add($"{rootDirectory} is not a folder");
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync("error: " + problem);
                }

                return ExitCodes.BadInput;
            }

            var options = new HistoryOptions
            {
                Metrics = parse.GetValue(metrics) ?? [],
                Window = parse.GetValue(window),
                MaxSeries = parse.GetValue(maxCharts),
                Compare = Results.Compare.ComparisonOptions.Default with { Threshold = fraction },
            };
            var report = await HistoryBuilder.BuildAsync(rootDirectory, options, TestKinds.Metrics, cancellationToken);
            var outDirectory = parse.GetValue(output) ?? Path.Join(rootDirectory, HistoryBuilder.DefaultDirectory);
            foreach (var series in report.Series)
            {
                cancellationToken.ThrowIfCancellationRequested();
                HistoryChart.Render(series, outDirectory);
            }

            var markdown = await HistoryMarkdown.WriteAsync(outDirectory, report, cancellationToken);
            var console = CliConsole.Create(parse);
            console.MarkupLine($"{report.Runs.Count} runs, {report.Series.Count} series charted into {Markup.Escape(outDirectory)}");
            foreach (var skipped in report.Skipped)
            {
                console.MarkupLine($"[yellow]not read: {Markup.Escape(skipped)}[/]");
            }

            foreach (var s in report.Series.Where(s => s.Regression is not null))
            {
                console.MarkupLine($"[red]regression[/] {Markup.Escape(s.Key.ToString())} from run {Markup.Escape(s.Regression!.RunId)} ({Markup.Escape(Results.Compare.CompareFormat.Change(s.Regression.Comparison))})");
            }

            console.MarkupLine($"[dim]wrote {Markup.Escape(markdown)}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }
}
