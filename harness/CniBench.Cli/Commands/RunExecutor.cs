using CniBench.Catalog;
using CniBench.Cli.Console;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Yaml;
using CniBench.Processes;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes;
using CniBench.Lab;
using CniBench.Results;
using CniBench.Runs;
using CniBench.Workloads.Cpu;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench run</c> on the console: validates everything before creating anything (arguments, scenario, host),
/// makes the provider, hands the plan to a <see cref="RunSession"/>, then prints the tables and maps what happened
/// to the exit code.
/// </summary>
internal sealed class RunExecutor(IAnsiConsole console)
{
    private static readonly string[] RequiredTools = ["ip", "iperf3"];

    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<int> ExecuteAsync(RunArguments arguments, CancellationToken cancellationToken)
    {
        RunInfo? resumed = null;
        if (arguments.ResumeDirectory is { } resumeDirectory)
        {
            var read = await RunResumption.ReadAsync(resumeDirectory, arguments.ScenarioGiven ? arguments.ScenarioPath : null, arguments.Overrides, CancellationToken.None);
            if (read.Value is not { } previous)
            {
                Error(read.Error);
                return ExitCodes.BadInput;
            }

            resumed = previous;
            arguments = arguments with
            {
                ScenarioPath = arguments.ScenarioGiven ? arguments.ScenarioPath : previous.ScenarioPath,
                Overrides = previous.Overrides ?? new ScenarioOverrides(),
            };
        }

        if (Load(arguments) is not { } loaded)
        {
            return ExitCodes.BadInput;
        }

        var (catalog, ingressCatalog, scenario) = loaded;
        var onLab = scenario.Provider == "lab";
        if (onLab && HostProblems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                Error(problem);
            }

            return ExitCodes.Environment;
        }

        var runId = resumed?.RunId ?? RunIds.Create(_time);
        var runDirectory = resumed is null ? Path.GetFullPath(Path.Combine(arguments.OutputRoot, runId)) : Path.GetFullPath(arguments.ResumeDirectory!);
        try
        {
            Directory.CreateDirectory(runDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Error($"cannot create the results folder {runDirectory} under --out {arguments.OutputRoot}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        var plan = RunPlanner.Create(scenario, runId);
        if (resumed is not null)
        {
            var replanned = await RunResumption.ReplanAsync(plan, runDirectory, CancellationToken.None);
            if (replanned.Value is not { } remaining)
            {
                Error(replanned.Error);
                return ExitCodes.BadInput;
            }

            console.MarkupLine($"[bold]resuming[/]: {Markup.Escape(remaining.Note)}");
            plan = remaining.Plan;
        }

        console.MarkupLine($"[bold]run {runId}[/]: scenario [bold]{Markup.Escape(scenario.Name)}[/], {plan.Measurements.Count} measurements on " +
            $"{string.Join(", ", plan.Clusters)}; results in {Markup.Escape(runDirectory)}");

        using var interruption = new Interruption(text => console.MarkupLine($"[yellow]{Markup.Escape(text)}[/]"));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interruption.Token);
        if (onLab)
        {
            await SweepStaleLabsAsync();
        }

        var request = new RunRequest
        {
            Plan = plan,
            RunDirectory = runDirectory,
            Provider = onLab ? LabProvider.ForRun(catalog, runId, _time) : KubernetesProviderFor(catalog, ingressCatalog, scenario, runId, arguments),
            HostCpu = onLab ? new ProcStatCpuSampler(_time) : null,
            Exporters = interrupted => ReportExport.Exporters(console, suite: null, browser: !interrupted),
            Resumed = resumed,
            CommandLine = arguments.CommandLine,
            Overrides = arguments.Overrides,
        };
        var result = await new RunSession(_time).RunAsync(request, new ConsoleRunObserver(console), linked.Token);
        Report(result, runDirectory, onLab);
        return result switch
        {
            { LeftBehind.IsEmpty: false } => ExitCodes.LeftBehind,
            { Interrupted: true } => ExitCodes.Interrupted,
            { Outcome.Failed: > 0 } => ExitCodes.MeasurementsFailed,
            _ => ExitCodes.Ok,
        };
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

    private KubernetesProvider KubernetesProviderFor(CniCatalog catalog, IngressCatalog? ingressCatalog, ScenarioSpec scenario, string runId, RunArguments arguments) =>
        KubernetesProviderFactory.ForRun(new KubernetesRunOptions
        {
            Catalog = catalog,
            IngressCatalog = ingressCatalog,
            Spec = scenario.Kubernetes!,
            RunId = runId,
            AllowInstall = arguments.AllowInstall,
            AllowUnverified = arguments.AllowUnverified,
            WorkloadsDirectory = Path.Combine(RepoPaths.Root(), "manifests", "workloads"),
            TimeProvider = _time,
            Progress = new Progress<string>(line => console.MarkupLine($"[dim]{Markup.Escape(line)}[/]")),
        });

    private void Error(string? message) => console.MarkupLine($"[red]error:[/] {Markup.Escape(message ?? "")}");

    private (CniCatalog Catalog, IngressCatalog? Ingress, ScenarioSpec Scenario)? Load(RunArguments arguments)
    {
        try
        {
            var catalog = CniCatalog.Load(arguments.ManifestsDirectory);
            var ingressDirectory = RepoPaths.ManifestsIngress(arguments.ManifestsDirectory);
            var ingress = Directory.Exists(ingressDirectory) ? IngressCatalog.Load(ingressDirectory) : null;
            var loader = new ScenarioLoader(TestKinds.All, catalog.ClusterIds, LocalScenarioFiles.Instance) { IngressControllers = ingress?.Names ?? [] };
            var scenario = loader.LoadFile(arguments.ScenarioPath, arguments.Overrides);
            scenario = WithKubernetesOverrides(scenario, arguments);
            var modelless = scenario.Provider == "lab" ? scenario.Cnis.Where(c => catalog[ClusterId.Parse(c).Cni].Lab is null).ToList() : [];
            if (modelless.Count > 0)
            {
                // Known CNIs without a lab model can only run on real clusters; say so before anything is created.
                throw new ScenarioException([.. modelless.Select(c => new InputError(
                    scenario.SourcePath, 0, 0, $"CNI '{c}' has no lab datapath model yet (manifests/cni/{c}.yaml has no 'lab:' section); run it with provider: kubernetes, or leave it out"))]);
            }

            return (catalog, ingress, scenario);
        }
        catch (ScenarioException ex)
        {
            ReportErrors(ex.Errors.Select(e => e.ToString()).ToList(), "scenario");
        }
        catch (CatalogException ex)
        {
            ReportErrors(ex.Errors.Select(e => e.ToString()).ToList(), ex.Catalog);
        }

        return null;
    }

    /// <summary>--kubeconfig replaces the scenario's file; --context points the scenario's only CNI at another cluster.</summary>
    private static ScenarioSpec WithKubernetesOverrides(ScenarioSpec scenario, RunArguments arguments)
    {
        if (arguments.Kubeconfig is null && arguments.Context is null)
        {
            return scenario;
        }

        if (scenario.Provider != "kubernetes")
        {
            throw new ScenarioException([new InputError("--kubeconfig/--context", 0, 0, "apply only to provider: kubernetes")]);
        }

        var spec = scenario.Kubernetes ?? new KubernetesSpec();
        if (arguments.Context is { } context)
        {
            if (scenario.Cnis.Count != 1)
            {
                throw new ScenarioException([new InputError("--context", 0, 0, $"names one cluster, but the scenario has {scenario.Cnis.Count} CNIs; choose one with --cni")]);
            }

            var cni = scenario.Cnis[0];
            var cluster = spec.Clusters.GetValueOrDefault(cni) ?? new KubernetesClusterSpec();
            spec = spec with { Clusters = new Dictionary<string, KubernetesClusterSpec> { [cni] = cluster with { Context = context } } };
        }

        return scenario with { Kubernetes = spec with { Kubeconfig = arguments.Kubeconfig ?? spec.Kubeconfig } };
    }

    private void ReportErrors(List<string> errors, string what)
    {
        console.MarkupLine($"[red]error:[/] the {what} has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; nothing was started:");
        foreach (var error in errors)
        {
            console.MarkupLine("  " + Markup.Escape(error));
        }
    }

    private static List<string> HostProblems()
    {
        var problems = new List<string>();
        if (!Environment.IsPrivilegedProcess)
        {
            problems.Add("the lab needs root: it creates network namespaces. Run as root (e.g. sudo ./run.sh)");
        }

        foreach (var tool in RequiredTools.Where(t => !ToolPackages.IsOnPath(t)))
        {
            ToolPackages.TryGetPackage(tool, out var package);
            problems.Add($"'{tool}' is not installed: apt-get install {package} (./run.sh installs it)");
        }

        return problems;
    }
}
