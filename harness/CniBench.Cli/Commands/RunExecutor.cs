using CniBench.Cli.Console;
using CniBench.Core.Catalog;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Core.Clusters;
using CniBench.Kubernetes;
using CniBench.Lab;
using CniBench.NetworkPolicy.Conformance;
using CniBench.Processes;
using CniBench.Results;
using CniBench.Results.Export;
using CniBench.Workloads;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// The whole of <c>cnibench run</c>: validate everything before creating anything, then measure with results
/// written as they arrive, then summarise and chart. Each exporter after the run is isolated, so one that
/// fails never loses the measurements.
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
            if (await ReadResumableAsync(resumeDirectory, arguments) is not { } previous)
            {
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
                console.MarkupLine($"[red]error:[/] {Markup.Escape(problem)}");
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
            console.MarkupLine($"[red]error:[/] cannot create the results folder {Markup.Escape(runDirectory)} under --out {Markup.Escape(arguments.OutputRoot)}: {Markup.Escape(ex.Message)}");
            return ExitCodes.BadInput;
        }

        var plan = RunPlanner.Create(scenario, runId);
        if (resumed is not null)
        {
            if (await ResumePlanAsync(plan, runDirectory) is not { } remaining)
            {
                return ExitCodes.BadInput;
            }

            plan = remaining;
        }
        console.MarkupLine($"[bold]run {runId}[/]: scenario [bold]{Markup.Escape(scenario.Name)}[/], {plan.Measurements.Count} measurements on " +
            $"{string.Join(", ", plan.Clusters)}; results in {Markup.Escape(runDirectory)}");

        using var interruption = new Interruption(text => console.MarkupLine($"[yellow]{Markup.Escape(text)}[/]"));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interruption.Token);

        if (onLab)
        {
            await SweepStaleLabsAsync();
        }

        var startedAt = _time.GetUtcNow();
        var info = resumed is not null ? resumed with { ResumedAt = [.. resumed.ResumedAt, startedAt], EndedAt = null } : new RunInfo
        {
            RunId = runId,
            ScenarioName = scenario.Name,
            ScenarioPath = Path.GetFullPath(scenario.SourcePath),
            ScenarioSha256 = await RunInfo.Sha256OfFileAsync(scenario.SourcePath, CancellationToken.None),
            Provider = scenario.Provider,
            CommandLine = arguments.CommandLine,
            CniBenchVersion = RunInfo.CurrentVersion(),
            Host = HostFacts.Collect(),
            ToolVersions = await ToolVersions.CollectAsync(CancellationToken.None),
            StartedAt = startedAt,
            Overrides = arguments.Overrides,
        };
        await RunInfoStore.WriteAsync(runDirectory, info, CancellationToken.None);

        IClusterProvider provider = onLab
            ? LabProvider.ForRun(catalog, runId, _time)
            : KubernetesProviderFactory.ForRun(new KubernetesRunOptions
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
        RunOutcome outcome;
        await using (var sink = CsvMeasurementSink.Open(runDirectory))
        {
            var observer = new ConsoleRunObserver(console);
            var tests = new Dictionary<string, IBenchmarkTest>(BenchmarkTests.Create()) { ["netpol"] = new NetpolTest(_time) };
            var orchestrator = new Orchestrator(provider, tests, sink, onLab ? new CniBench.Workloads.Cpu.ProcStatCpuSampler(_time) : null, _time, observer);
            outcome = await RunWithProgressAsync(orchestrator, observer, plan, linked.Token);
        }

        info = info with
        {
            EndedAt = _time.GetUtcNow(),
            // A resumed run keeps what the first attempt learned about clusters it did not need again.
            Clusters = new Dictionary<string, ClusterInfo>(info.Clusters.Concat(outcome.ClusterDescriptions
                    .Select(c => KeyValuePair.Create(c.Key, new ClusterInfo(c.Value, outcome.ClusterFacts[c.Key]))))
                .GroupBy(c => c.Key)
                .Select(g => g.Last())),
        };
        await Export("run.json", () => RunInfoStore.WriteAsync(runDirectory, info, CancellationToken.None));

        // summary.csv, charts and the report, each isolated: a failure is a warning and loses nothing.
        // After Ctrl-C the report is still written, but nobody waits for the browser.
        var interrupted = outcome.Cancelled || interruption.Requested;
        var exported = new ExportContext(runDirectory);
        ReportExport.Warn(console, await ReportExport.Exporters(console, suite: null, browser: !interrupted).ExportAsync(exported, CancellationToken.None));
        var summary = exported.Summary ?? [];
        if (summary.Any(r => r.Metric == Metrics.CasePass))
        {
            console.Write(ConformanceTable.Build(summary));
        }

        if (summary.Any(r => r.Metric == Metrics.ThroughputBps))
        {
            console.Write(ResultsTable.Build(summary));
            if (onLab)
            {
                console.MarkupLine("[dim]lab figures measure the kernel datapath each CNI builds in its default mode, not its agents, eBPF programs or control plane[/]");
            }
        }

        console.MarkupLine($"{outcome.Measurements} measurements: [green]{outcome.Ok} ok[/], " +
            $"{(outcome.Failed > 0 ? "[red]" : "")}{outcome.Failed} failed{(outcome.Failed > 0 ? "[/]" : "")}, {outcome.Unsupported} unsupported");
        console.MarkupLine($"results: [bold]{Markup.Escape(runDirectory)}[/]");

        // Said only after looking: a teardown that failed on the way must not read as a clean host.
        var leftBehind = provider is ILeftBehindCheck check && await LeftBehindAsync(check);
        if (interrupted)
        {
            console.MarkupLine($"[yellow]interrupted[/]: {(onLab ? leftBehind ? "the lab was NOT fully torn down (see above)" : "the lab was torn down" : "the run's namespaces were deleted")}; measurements so far are in measurements.csv");
            return leftBehind ? ExitCodes.LeftBehind : ExitCodes.Interrupted;
        }

        if (leftBehind)
        {
            return ExitCodes.LeftBehind;
        }

        return outcome.Failed > 0 ? ExitCodes.MeasurementsFailed : ExitCodes.Ok;
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

    /// <summary>Whether anything of this run is still on the host; if so, prints what and how to remove it.</summary>
    private async Task<bool> LeftBehindAsync(ILeftBehindCheck check)
    {
        var leftBehind = await check.LeftBehindAsync(CancellationToken.None);
        foreach (var item in leftBehind.Items)
        {
            console.MarkupLine($"[red]left behind[/] by {Markup.Escape(item.Owner)}: {Markup.Escape(item.Description)}");
        }

        if (!leftBehind.IsEmpty)
        {
            console.MarkupLine($"[red]the run did not leave the host clean[/]: remove what is left with [bold]{Markup.Escape(leftBehind.CleanUpCommand)}[/] (exit code {ExitCodes.LeftBehind})");
        }

        return !leftBehind.IsEmpty;
    }

    /// <summary>The interrupted run's run.json, or null (with the reason shown) when the folder cannot be resumed with these arguments.</summary>
    private async Task<RunInfo?> ReadResumableAsync(string directory, RunArguments arguments)
    {
        if (!File.Exists(Path.Combine(directory, RunFolder.RunJson)))
        {
            console.MarkupLine($"[red]error:[/] --resume {Markup.Escape(directory)}: no {RunFolder.RunJson} there; give the folder of an interrupted run (results/<run-id>)");
            return null;
        }

        if (arguments.Overrides != new ScenarioOverrides())
        {
            console.MarkupLine("[red]error:[/] --resume replays the interrupted run's own options (--cni, --quick, --repetitions, --duration); leave them out");
            return null;
        }

        try
        {
            var info = await RunInfoStore.ReadAsync(directory, CancellationToken.None);
            var scenarioPath = arguments.ScenarioGiven ? arguments.ScenarioPath : info.ScenarioPath;
            if (!File.Exists(scenarioPath))
            {
                console.MarkupLine($"[red]error:[/] --resume: the run's scenario {Markup.Escape(scenarioPath)} no longer exists; pass the scenario file as the argument");
                return null;
            }

            if (!string.IsNullOrEmpty(info.ScenarioSha256) && await RunInfo.Sha256OfFileAsync(scenarioPath, CancellationToken.None) != info.ScenarioSha256)
            {
                console.MarkupLine($"[red]error:[/] --resume: {Markup.Escape(scenarioPath)} changed since the run started (sha256 differs); a resumed run must measure the same plan");
                return null;
            }

            return info;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error:[/] --resume {Markup.Escape(directory)}: cannot read {RunFolder.RunJson}: {Markup.Escape(ex.Message)}");
            return null;
        }
    }

    /// <summary>The plan without what measurements.csv already holds; null (with the reason shown) when the file and plan disagree.</summary>
    private async Task<RunPlan?> ResumePlanAsync(RunPlan plan, string runDirectory)
    {
        ResumePoint point;
        try
        {
            point = await RunResume.PrepareAsync(runDirectory, CancellationToken.None);
        }
        catch (MeasurementCsvException ex)
        {
            console.MarkupLine($"[red]error:[/] cannot resume: {Markup.Escape(ex.Message)}");
            return null;
        }

        var planned = plan.Measurements.Select(m => m.Key).ToHashSet();
        if (point.Done.FirstOrDefault(k => !planned.Contains(k)) is { } stranger)
        {
            console.MarkupLine($"[red]error:[/] cannot resume: measurements.csv has {Markup.Escape(stranger.ToString())}, which this scenario does not plan; was it run with other options or manifests?");
            return null;
        }

        var remaining = plan.Measurements.Where(m => !point.Done.Contains(m.Key)).ToList();
        console.MarkupLine($"[bold]resuming[/]: {point.Done.Count} of {plan.Measurements.Count} measurements are done; " +
            $"{(point.Remeasured.Count > 0 ? $"measuring again {point.Remeasured.Count} that may be incomplete ({Markup.Escape(string.Join(", ", point.Remeasured.Take(3)))}{(point.Remeasured.Count > 3 ? ", …" : "")})" : "nothing to repair")}" +
            $"{(point.DroppedTornLine ? "; dropped a torn last line" : "")}");
        return plan with
        {
            Measurements = remaining,
            Clusters = [.. plan.Clusters.Where(c => remaining.Exists(m => m.Key.Cni == c))],
        };
    }

    private (CniCatalog Catalog, IngressCatalog? Ingress, ScenarioSpec Scenario)? Load(RunArguments arguments)
    {
        try
        {
            var catalog = CniCatalog.Load(arguments.ManifestsDirectory);
            var ingressDirectory = RepoPaths.ManifestsIngress(arguments.ManifestsDirectory);
            var ingress = Directory.Exists(ingressDirectory) ? IngressCatalog.Load(ingressDirectory) : null;
            var loader = new ScenarioLoader(catalog.ClusterIds) { IngressControllers = ingress?.Names ?? [] };
            var scenario = arguments.Overrides.ApplyTo(loader.LoadFile(arguments.ScenarioPath), catalog.ClusterIds);
            scenario = WithKubernetesOverrides(scenario, arguments);
            var modelless = scenario.Provider == "lab" ? scenario.Cnis.Where(c => catalog[CniBench.Core.Clusters.ClusterId.Parse(c).Cni].Lab is null).ToList() : [];
            if (modelless.Count > 0)
            {
                // Known CNIs without a lab model can only run on real clusters; say so before anything is created.
                throw new ScenarioException([.. modelless.Select(c => new ScenarioError(
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
            throw new ScenarioException([new ScenarioError("--kubeconfig/--context", 0, 0, "apply only to provider: kubernetes")]);
        }

        var spec = scenario.Kubernetes ?? new KubernetesSpec();
        if (arguments.Context is { } context)
        {
            if (scenario.Cnis.Count != 1)
            {
                throw new ScenarioException([new ScenarioError("--context", 0, 0, $"names one cluster, but the scenario has {scenario.Cnis.Count} CNIs; choose one with --cni")]);
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

    private async Task<RunOutcome> RunWithProgressAsync(Orchestrator orchestrator, ConsoleRunObserver observer, RunPlan plan, CancellationToken cancellationToken)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await orchestrator.RunAsync(plan, cancellationToken);
        }

        RunOutcome? outcome = null;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                observer.Attach(context.AddTask("starting", maxValue: plan.Measurements.Count));
                outcome = await orchestrator.RunAsync(plan, cancellationToken);
            });
        observer.Detach();
        return outcome!;
    }

    private async Task Export(string what, Func<Task> export)
    {
        try
        {
            await export();
        }
        catch (Exception ex)
        {
            console.MarkupLine($"[red]could not write {Markup.Escape(what)}[/]: {Markup.Escape(ex.Message)} (the measurements are safe in measurements.csv)");
        }
    }
}

/// <summary>Versions of the external tools, for run.json.</summary>
internal static class ToolVersions
{
    private static readonly (string Name, string[] Argv)[] Probes =
    [
        ("iperf3", ["iperf3", "--version"]),
        ("iproute2", ["ip", "-V"]),
        ("nftables", ["nft", "--version"]),
    ];

    public static async Task<IReadOnlyDictionary<string, string>> CollectAsync(CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal) { ["dotnet"] = Environment.Version.ToString() };
        foreach (var (name, argv) in Probes)
        {
            versions[name] = await FirstLineAsync(argv, cancellationToken) ?? "not installed";
        }

        return versions;
    }

    public static async Task<string?> FirstLineAsync(string[] argv, CancellationToken cancellationToken)
    {
        try
        {
            var result = await LocalProcessRunner.Instance.RunAsync(
                new ProcessSpec(argv[0], argv[1..]) { Timeout = TimeSpan.FromSeconds(5) }, cancellationToken);
            var text = string.IsNullOrWhiteSpace(result.StandardOutput) ? result.StandardError : result.StandardOutput;
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        }
        catch (Exception ex) when (ex is ToolMissingException or InvalidOperationException or ProcessTimeoutException)
        {
            return null;
        }
    }
}
