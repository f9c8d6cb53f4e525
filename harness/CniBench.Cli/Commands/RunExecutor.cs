using CniBench.Cli.Console;
using CniBench.Core.Measurements;
using CniBench.Lab;
using CniBench.Runs;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench run</c> on the console: has the run prepared (<see cref="RunPreparation"/>: everything checked before
/// anything is created), hands it to a <see cref="RunSession"/>, then prints the tables and maps what happened to the
/// exit code.
/// </summary>
internal sealed class RunExecutor(IAnsiConsole console)
{
    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<int> ExecuteAsync(RunArguments arguments, CancellationToken cancellationToken)
    {
        var (run, failure) = await RunPreparation.PrepareAsync(arguments, _time, cancellationToken);
        if (run is null)
        {
            Report(failure!);
            return failure!.HostNotReady ? ExitCodes.Environment : ExitCodes.BadInput;
        }

        if (run.ResumeNote is { } note)
        {
            console.MarkupLine($"[bold]resuming[/]: {Markup.Escape(note)}");
        }

        console.MarkupLine($"[bold]run {run.RunId}[/]: scenario [bold]{Markup.Escape(run.Scenario.Name)}[/], {run.Plan.Measurements.Count} measurements on " +
            $"{string.Join(", ", run.Plan.Clusters)}; results in {Markup.Escape(run.Directory)}");

        using var interruption = new Interruption(text => console.MarkupLine($"[yellow]{Markup.Escape(text)}[/]"));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interruption.Token);
        if (run.OnLab)
        {
            await SweepStaleLabsAsync();
        }

        var request = new RunRequest
        {
            Plan = run.Plan,
            RunDirectory = run.Directory,
            Provider = RunProviders.Create(run, arguments, _time, new Progress<string>(line => console.MarkupLine($"[dim]{Markup.Escape(line)}[/]"))),
            HostCpu = RunProviders.HostCpu(run, _time),
            Exporters = interrupted => ReportExport.Exporters(console, suite: null, browser: !interrupted),
            Resumed = run.Resumed,
            CommandLine = arguments.CommandLine,
            Overrides = run.Overrides,
        };
        var result = await new RunSession(_time).RunAsync(request, new ConsoleRunObserver(console), linked.Token);
        Report(result, run.Directory, run.OnLab);
        return result switch
        {
            { LeftBehind.IsEmpty: false } => ExitCodes.LeftBehind,
            { Interrupted: true } => ExitCodes.Interrupted,
            { Outcome.Failed: > 0 } => ExitCodes.MeasurementsFailed,
            _ => ExitCodes.Ok,
        };
    }

    /// <summary>Why nothing started: the input's problems under their heading, or each problem of the host.</summary>
    private void Report(PreparationFailure failure)
    {
        if (failure.Heading is null)
        {
            foreach (var line in failure.Lines)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(line)}");
            }

            return;
        }

        console.MarkupLine($"[red]error:[/] {Markup.Escape(failure.Heading)}");
        foreach (var line in failure.Lines)
        {
            console.MarkupLine("  " + Markup.Escape(line));
        }
    }

    /// <summary>The tables, the counts, what was left behind and, after Ctrl-C, what became of the clusters.</summary>
    private void Report(RunResult result, string runDirectory, bool onLab)
    {
        if (result.Summary.Any(r => r.Metric == Metrics.CasePass))
        {
            console.Write(ConformanceTable.Build(result.Summary));
        }

        if (result.Summary.Any(r => r.Metric == Metrics.ThroughputBps))
        {
            console.Write(ResultsTable.Build(result.Summary));
            if (onLab)
            {
                console.MarkupLine("[dim]lab figures measure the kernel datapath each CNI builds in its default mode, not its agents, eBPF programs or control plane[/]");
            }
        }

        // The matrix's ratings with their intervals, as ratings.csv holds them (written by its exporter above).
        var ratings = Path.Combine(runDirectory, CniBench.Results.Report.RatingsCsv.FileName);
        if (File.Exists(ratings) && RatingsTable.Build(CniBench.Results.Report.RatingsCsv.Read(ratings)) is { } table)
        {
            console.Write(table);
        }

        var outcome = result.Outcome;
        console.MarkupLine($"{outcome.Measurements} measurements: [green]{outcome.Ok} ok[/], " +
            $"{(outcome.Failed > 0 ? "[red]" : "")}{outcome.Failed} failed{(outcome.Failed > 0 ? "[/]" : "")}, {outcome.Unsupported} unsupported");
        console.MarkupLine($"results: [bold]{Markup.Escape(runDirectory)}[/]");
        foreach (var item in result.LeftBehind.Items)
        {
            console.MarkupLine($"[red]left behind[/] by {Markup.Escape(item.Owner)}: {Markup.Escape(item.Description)}");
        }

        var leftBehind = !result.LeftBehind.IsEmpty;
        if (leftBehind)
        {
            console.MarkupLine($"[red]the run did not leave the host clean[/]: remove what is left with [bold]{Markup.Escape(result.LeftBehind.CleanUpCommand)}[/] (exit code {ExitCodes.LeftBehind})");
        }

        if (result.Interrupted)
        {
            console.MarkupLine($"[yellow]interrupted[/]: {(onLab ? leftBehind ? "the lab was NOT fully torn down (see above)" : "the lab was torn down" : "the run's namespaces were deleted")}; measurements so far are in measurements.csv");
        }
    }

    /// <summary>A lab the start-up sweep cannot remove is a warning, never the end of the run: this run's labs have their own names.</summary>
    private async Task SweepStaleLabsAsync()
    {
        var swept = await new LabJanitor().SweepBeforeRunAsync(CancellationToken.None);
        if (swept.Problem is { } problem)
        {
            console.MarkupLine($"[yellow]warning:[/] could not look for stale labs: {Markup.Escape(problem)}; going on");
        }

        foreach (var lab in swept.Removed)
        {
            console.MarkupLine($"[yellow]removed stale lab[/] {Markup.Escape(lab)} (left by a run that is no longer alive)");
        }

        foreach (var failure in swept.Failed)
        {
            console.MarkupLine($"[yellow]warning:[/] could not remove stale lab {Markup.Escape(failure.Remains.Lab)}: {Markup.Escape(failure.Message)}; going on");
        }
    }
}
