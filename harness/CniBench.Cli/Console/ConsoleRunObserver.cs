using System.Globalization;
using CniBench.Cli.Commands;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Results.Export;
using CniBench.Runs;
using Spectre.Console;

namespace CniBench.Cli.Console;

/// <summary>
/// Shows a run as it happens: a progress bar on a terminal, one line per event otherwise (CI logs).
/// Problems seen during the live display are kept and printed once it ends, so none scrolls away.
/// </summary>
internal sealed class ConsoleRunObserver(IAnsiConsole console) : IRunSessionObserver
{
    private readonly List<string> _deferred = [];
    private ProgressTask? _task;

    public async Task<RunOutcome> MeasureAsync(int measurements, Func<Task<RunOutcome>> measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        if (!console.Profile.Capabilities.Interactive)
        {
            return await measure();
        }

        RunOutcome? outcome = null;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                _task = context.AddTask("starting", maxValue: measurements);
                outcome = await measure();
            });
        Detach();
        return outcome!;
    }

    public void ExportFailed(ExportFailure failure) => ReportExport.Warn(console, [failure]);

    private void Detach()
    {
        _task = null;
        foreach (var line in _deferred)
        {
            console.MarkupLine(line);
        }

        _deferred.Clear();
    }

    public void ClusterStarting(string cni) => Status($"bringing up [bold]{Markup.Escape(cni)}[/]");

    public void ClusterReady(string cni, string description, TimeSpan elapsed) =>
        Line($"[green]ready[/] {Markup.Escape(cni)} in {elapsed.TotalMilliseconds:0} ms: {Markup.Escape(description)}");

    public void ClusterFailed(string cni, string reason) =>
        Problem($"[red]could not bring up {Markup.Escape(cni)}[/]: {Markup.Escape(reason)} (its measurements are recorded as {(reason.StartsWith("unsupported here:", StringComparison.Ordinal) ? "unsupported" : "failed")})");

    public void MeasurementStarting(PlannedMeasurement planned, int index, int total) =>
        Status($"[[{index}/{total}]] {Markup.Escape(planned.Key.ToString())}");

    public void MeasurementFinished(PlannedMeasurement planned, IReadOnlyList<Measurement> rows)
    {
        _task?.Increment(1);
        var main = rows.FirstOrDefault(r => r.Metric is Metrics.ThroughputBps or Metrics.CasePass or Metrics.ConformanceScorePercent)
            ?? (rows.Count > 0 ? rows[0] : null);
        var what = Markup.Escape(planned.Key.ToString());
        switch (main)
        {
            case { Status: MeasurementStatus.Ok, Metric: Metrics.CasePass, Value: { } pass }:
                var wrong = rows.FirstOrDefault(r => r.Metric == Metrics.CellsWrong)?.Value ?? 0;
                var errors = rows.FirstOrDefault(r => r.Metric == "cells_probe_error")?.Value ?? 0;
                Line(pass > 0 ? $"{what} [green]pass[/]" : $"{what} [red]FAIL[/] ({wrong:0} cells wrong, {errors:0} probe errors; tables in {Markup.Escape(main.RawFile ?? "")})");
                break;
            case { Status: MeasurementStatus.Ok, Value: { } value }:
                var figure = main.Metric == Metrics.ThroughputBps
                    ? Quantities.FormatThroughput(value)
                    : value.ToString("0.###", CultureInfo.InvariantCulture) + " " + main.Unit;
                Line($"{what} [bold]{Markup.Escape(figure)}[/]");
                break;
            case { Status: MeasurementStatus.Unsupported }:
                Line($"{what} [yellow]unsupported[/]: {Markup.Escape(main.Reason ?? "")}");
                break;
            case not null:
                Problem($"{what} [red]failed[/]: {Markup.Escape(main.Reason ?? "")}");
                break;
        }
    }

    public void ClusterStopping(string cni) => Status($"tearing down {Markup.Escape(cni)}");

    public void Message(string text) => Problem(Markup.Escape(text));

    private void Status(string markup)
    {
        if (_task is not null)
        {
            _task.Description = markup;
        }
    }

    private void Line(string markup)
    {
        if (_task is null)
        {
            console.MarkupLine(markup);
        }
        else
        {
            _task.Description = markup;
        }
    }

    private void Problem(string markup)
    {
        if (_task is null)
        {
            console.MarkupLine(markup);
        }
        else
        {
            _deferred.Add(markup);
        }
    }
}
