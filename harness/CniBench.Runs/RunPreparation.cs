using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Core.Yaml;
using CniBench.Processes;
using CniBench.Results;

namespace CniBench.Runs;

/// <summary>A run ready to start: its input read and checked, its plan made and its results folder created; nothing else yet.</summary>
public sealed record PreparedRun(string RunId, string Directory, RunPlan Plan, ScenarioSpec Scenario, CniCatalog Catalog, IngressCatalog? Ingress)
{
    public bool OnLab => Scenario.Provider == "lab";

    /// <summary>The interrupted run's run.json when resuming.</summary>
    public RunInfo? Resumed { get; init; }

    /// <summary>The options that changed the scenario: the command line's, or the resumed run's own.</summary>
    public ScenarioOverrides Overrides { get; init; } = new();

    /// <summary>What a resumed run found done and measures again, for a person.</summary>
    public string? ResumeNote { get; init; }
}

/// <summary>
/// Why a run did not start. <see cref="Heading"/> (when set) introduces the <see cref="Lines"/>, e.g. the problems of
/// the scenario; <see cref="HostNotReady"/> says the host, not the input, is at fault.
/// </summary>
public sealed record PreparationFailure(IReadOnlyList<string> Lines, string? Heading = null, bool HostNotReady = false);

/// <summary>
/// Everything <c>cnibench run</c> checks before it creates anything but the results folder: the run to resume, both
/// catalogs, the scenario with the command line applied before its rules, the lab's host needs, the plan. Every
/// problem of the input is reported at once and nothing is started.
/// </summary>
public static class RunPreparation
{
    private static readonly string[] LabTools = ["ip", "iperf3"];

    public static async Task<(PreparedRun? Run, PreparationFailure? Failure)> PrepareAsync(RunArguments arguments, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        RunInfo? resumed = null;
        if (arguments.ResumeDirectory is { } resumeDirectory)
        {
            var read = await RunResumption.ReadAsync(resumeDirectory, arguments.ScenarioGiven ? arguments.ScenarioPath : null, arguments.Overrides, cancellationToken);
            if (read.Value is not { } previous)
            {
                return Fail(read.Error);
            }

            resumed = previous;
            arguments = arguments with
            {
                ScenarioPath = arguments.ScenarioGiven ? arguments.ScenarioPath : previous.ScenarioPath,
                Overrides = previous.Overrides ?? new ScenarioOverrides(),
            };
        }

        CniCatalog catalog;
        IngressCatalog? ingress;
        ScenarioSpec scenario;
        try
        {
            (catalog, ingress, scenario) = Load(arguments);
        }
        catch (ScenarioException ex)
        {
            return Problems(ex.Errors.Select(e => e.ToString()).ToList(), "scenario");
        }
        catch (CatalogException ex)
        {
            return Problems(ex.Errors.Select(e => e.ToString()).ToList(), ex.Catalog);
        }

        if (scenario.Provider == "lab" && LabHostProblems() is { Count: > 0 } problems)
        {
            return (null, new PreparationFailure(problems, HostNotReady: true));
        }

        var runId = resumed?.RunId ?? RunIds.Create(time);
        var directory = resumed is null ? Path.GetFullPath(Path.Combine(arguments.OutputRoot, runId)) : Path.GetFullPath(arguments.ResumeDirectory!);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot create the results folder {directory} under --out {arguments.OutputRoot}: {ex.Message}");
        }

        var plan = RunPlanner.Create(scenario, runId);
        string? note = null;
        if (resumed is not null)
        {
            var replanned = await RunResumption.ReplanAsync(plan, directory, cancellationToken);
            if (replanned.Value is not { } remaining)
            {
                return Fail(replanned.Error);
            }

            (plan, note) = (remaining.Plan, remaining.Note);
        }

        return (new PreparedRun(runId, directory, plan, scenario, catalog, ingress) { Resumed = resumed, ResumeNote = note, Overrides = arguments.Overrides }, null);
    }

    private static (PreparedRun?, PreparationFailure?) Fail(string? error) => (null, new PreparationFailure([error ?? "the run could not start"]));

    private static (PreparedRun?, PreparationFailure?) Problems(List<string> errors, string what) =>
        (null, new PreparationFailure(errors, $"the {what} has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; nothing was started:"));

    private static (CniCatalog Catalog, IngressCatalog? Ingress, ScenarioSpec Scenario) Load(RunArguments arguments)
    {
        var catalog = CniCatalog.Load(arguments.ManifestsDirectory);
        var ingress = arguments.IngressManifestsDirectory is { } ingressDirectory && Directory.Exists(ingressDirectory) ? IngressCatalog.Load(ingressDirectory) : null;
        var loader = new ScenarioLoader(TestKinds.All, catalog.ClusterIds, LocalScenarioFiles.Instance) { IngressControllers = ingress?.Names ?? [] };
        var scenario = WithKubernetesOverrides(loader.LoadFile(arguments.ScenarioPath, arguments.Overrides), arguments);
        var modelless = scenario.Provider == "lab" ? scenario.Cnis.Where(c => catalog[ClusterId.Parse(c).Cni].Lab is null).ToList() : [];
        if (modelless.Count > 0)
        {
            // Known CNIs without a lab model can only run on real clusters; say so before anything is created.
            throw new ScenarioException([.. modelless.Select(c => new InputError(
                scenario.SourcePath, 0, 0, $"CNI '{c}' has no lab datapath model yet (manifests/cni/{c}.yaml has no 'lab:' section); run it with provider: kubernetes, or leave it out"))]);
        }

        return (catalog, ingress, scenario);
    }

    private static ScenarioSpec WithKubernetesOverrides(ScenarioSpec scenario, RunArguments arguments) =>
        WithKubernetesOverrides(scenario, arguments.Kubeconfig, arguments.Context);

    /// <summary>
    /// --kubeconfig replaces the scenario's file; --context points the scenario's only CNI at another cluster. Public
    /// so that <c>cnibench doctor</c> checks the clusters a run with the same options would use.
    /// </summary>
    public static ScenarioSpec WithKubernetesOverrides(ScenarioSpec scenario, string? kubeconfig, string? context)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (kubeconfig is null && context is null)
        {
            return scenario;
        }

        if (scenario.Provider != "kubernetes")
        {
            throw new ScenarioException([new InputError("--kubeconfig/--context", 0, 0, "apply only to provider: kubernetes")]);
        }

        var spec = scenario.Kubernetes ?? new KubernetesSpec();
        if (context is not null)
        {
            if (scenario.Cnis.Count != 1)
            {
                throw new ScenarioException([new InputError("--context", 0, 0, $"names one cluster, but the scenario has {scenario.Cnis.Count} CNIs; choose one with --cni")]);
            }

            var cni = scenario.Cnis[0];
            var cluster = spec.Clusters.GetValueOrDefault(cni) ?? new KubernetesClusterSpec();
            spec = spec with { Clusters = new Dictionary<string, KubernetesClusterSpec> { [cni] = cluster with { Context = context } } };
        }

        return scenario with { Kubernetes = spec with { Kubeconfig = kubeconfig ?? spec.Kubeconfig } };
    }

    /// <summary>What the lab cannot start without: root and the tools of the default tests (the others fail one by one, named).</summary>
    private static List<string> LabHostProblems()
    {
        var problems = new List<string>();
        if (!Environment.IsPrivilegedProcess)
        {
            problems.Add("the lab needs root: it creates network namespaces. Run as root (e.g. sudo ./run.sh)");
        }

        foreach (var tool in LabTools.Where(t => !ToolPackages.IsOnPath(t)))
        {
            ToolPackages.TryGetPackage(tool, out var package);
            problems.Add($"'{tool}' is not installed: apt-get install {package} (./run.sh installs it)");
        }

        return problems;
    }
}
