using CniBench.Catalog;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes;
using CniBench.Kubernetes.Preflight;
using CniBench.NetworkPolicy.Conformance;
using CniBench.Runs;
using CniBench.Workloads.Ingress;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>What <c>cnibench doctor</c> is asked about a Kubernetes cluster (or a scenario's clusters).</summary>
internal sealed record ClusterDoctorRequest
{
    public string? Scenario { get; init; }

    public string? Context { get; init; }

    public string? Kubeconfig { get; init; }

    public string? Cni { get; init; }

    public bool AllowInstall { get; init; }

    public bool ProbeImages { get; init; } = true;

    public string? Manifests { get; init; }
}

/// <summary>
/// <c>cnibench doctor --context C</c> and <c>cnibench doctor scenario.yaml</c>: runs <see cref="ClusterPreflight"/> on
/// each cluster and prints its findings, then one line per problem with how to fix it. The checks live in
/// CniBench.Kubernetes/Preflight; this only chooses the clusters and renders.
/// </summary>
internal static class ClusterDoctor
{
    public static async Task<int> RunAsync(ClusterDoctorRequest request, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        CniCatalog catalog;
        IReadOnlyList<DoctorTarget> targets;
        try
        {
            var manifests = RepoPaths.ManifestsCni(request.Manifests);
            catalog = CniCatalog.Load(manifests);
            targets = request.Scenario is null
                ? [new DoctorTarget(request.Context ?? "current context", new KubernetesClusterSpec { Context = request.Context }, PreflightNeeds.ForContext(request.Cni, catalog, request.AllowInstall), request.Kubeconfig)]
                : ScenarioTargets(request, catalog, manifests);
        }
        catch (ScenarioException ex)
        {
            return BadInput(error, "the scenario", ex.Errors.Select(e => e.ToString()));
        }
        catch (CatalogException ex)
        {
            return BadInput(error, "the " + ex.Catalog, ex.Errors.Select(e => e.ToString()));
        }
        catch (DoctorInputException ex)
        {
            return BadInput(error, ex.What, [ex.Message]);
        }

        var problems = new List<string>();
        foreach (var target in targets)
        {
            if (target.Cluster.Provision is not null)
            {
                console.MarkupLine($"[bold]{Markup.Escape(target.Key)}[/]: [grey]not checked: the run creates this cluster with its provision command, so it does not exist yet[/]");
                continue;
            }

            problems.AddRange(await CheckAsync(target, catalog, request.ProbeImages, console, cancellationToken));
        }

        if (problems.Count == 0)
        {
            console.MarkupLine("[green]ready for a run[/]: every required check passed");
            return ExitCodes.Ok;
        }

        console.MarkupLine($"[red]{problems.Count} problem{(problems.Count == 1 ? "" : "s")} to fix[/], then run cnibench doctor again:");
        // Written as they are, not wrapped by the console: one line per problem, to grep or paste.
        foreach (var line in problems)
        {
            output.WriteLine("  - " + line);
        }

        return ExitCodes.Environment;
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(DoctorTarget target, CniCatalog catalog, bool probeImages, IAnsiConsole console, CancellationToken cancellationToken)
    {
        KubeConnection connection;
        try
        {
            connection = KubeContexts.Connect(target.Kubeconfig, target.Cluster.Context);
        }
        catch (KubeOperationException ex)
        {
            console.MarkupLine($"[bold]{Markup.Escape(target.Key)}[/]: [red]cannot connect[/]: {Markup.Escape(ex.Message)}");
            return [$"{target.Key}: {ex.Message}"];
        }

        using (connection)
        {
            var needs = target.Needs;
            var report = await ClusterPreflight.RunAsync(connection, new ClusterPreflightOptions { Needs = needs, Catalog = catalog, ProbeImages = probeImages }, cancellationToken);
            var expects = needs.Cni is null ? "" : $", expecting {needs.Cni}";

            // A scenario may point two entries (calico, calico+wireguard) at one context: name the entry too.
            var label = target.Key == report.Cluster ? report.Cluster : $"{target.Key} on {report.Cluster}";
            console.MarkupLine($"[bold]{Markup.Escape(label)}[/] ({Markup.Escape(report.Server)}{Markup.Escape(expects)})");
            console.Write(Table(report));
            return [.. report.Problems.Select(p => $"{label}: {p.Area} {p.Check}: {p.Fix ?? p.Detail}")];
        }
    }

    public static Table Table(PreflightReport report)
    {
        var table = new Table().AddColumns("area", "check", "", "detail");
        foreach (var finding in report.Findings)
        {
            table.AddRow(Markup.Escape(finding.Area), Markup.Escape(finding.Check), Status(finding), Markup.Escape(finding.Detail));
        }

        return table;
    }

    private static string Status(PreflightFinding finding) => (finding.Area, finding.Level) switch
    {
        (PermissionCheck.Area, FindingLevel.Ok) => "[green]allowed[/]",
        (PermissionCheck.Area, _) => finding.Level == FindingLevel.Problem ? "[red]denied[/]" : "[yellow]denied[/]",
        (_, FindingLevel.Ok) => "[green]ok[/]",
        (_, FindingLevel.Info) => "info",
        (_, FindingLevel.Warning) => "[yellow]warning[/]",
        _ => "[red]problem[/]",
    };

    /// <summary>The clusters a run of the scenario with the same --cni, --context and --kubeconfig would use.</summary>
    private static List<DoctorTarget> ScenarioTargets(ClusterDoctorRequest request, CniCatalog catalog, string manifests)
    {
        var ingressDirectory = RepoPaths.ManifestsIngress(manifests);
        var ingress = Directory.Exists(ingressDirectory) ? IngressCatalog.Load(ingressDirectory) : null;
        var loader = new ScenarioLoader(TestKinds.All, catalog.ClusterIds, LocalScenarioFiles.Instance) { IngressControllers = ingress?.Names ?? [] };
        var overrides = new ScenarioOverrides { Cnis = request.Cni is null ? null : [request.Cni] };
        var spec = RunPreparation.WithKubernetesOverrides(loader.LoadFile(request.Scenario!, overrides), request.Kubeconfig, request.Context);
        if (spec.Kubernetes is not { } kubernetes || spec.Provider != "kubernetes")
        {
            throw new DoctorInputException("the scenario", $"{spec.SourcePath} runs on the lab (provider: {spec.Provider}); check this host with 'cnibench doctor' and no scenario");
        }

        var ingressTests = spec.Tests.Select(t => t.Settings).OfType<IngressTestSpec>().ToList();
        var use = new ScenarioUse(
            NetworkPolicies: spec.Tests.Any(t => t.Test == NetpolDefinition.TestName),
            Ingress: ingressTests.Count > 0,
            IngressTls: ingressTests.Any(t => t.Tls),
            IngressControllers: [.. ingressTests.SelectMany(t => t.Controllers).Distinct(StringComparer.Ordinal)]);

        // The run's clusters: one per cnis: entry, and the underlay's own entry when the scenario has one.
        var keys = spec.Cnis.Concat(spec.Underlay && kubernetes.Clusters.ContainsKey(Underlay.Name) ? [Underlay.Name] : Array.Empty<string>());
        var targets = new List<DoctorTarget>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (!kubernetes.Clusters.TryGetValue(key, out var cluster))
            {
                throw new DoctorInputException("the scenario", $"kubernetes.clusters has no entry for '{key}'");
            }

            targets.Add(new DoctorTarget(key, cluster, PreflightNeeds.For(key, kubernetes, cluster, use, catalog, ingress, request.AllowInstall), kubernetes.Kubeconfig));
        }

        return targets;
    }

    private static int BadInput(TextWriter error, string what, IEnumerable<string> problems)
    {
        var list = problems.ToList();
        error.WriteLine($"error: {what} has {list.Count} problem{(list.Count == 1 ? "" : "s")}; no cluster was checked:");
        foreach (var problem in list)
        {
            error.WriteLine("  " + problem);
        }

        return ExitCodes.BadInput;
    }

    /// <summary>One cluster to check: the scenario's key (or the context), its entry, what the run needs there.</summary>
    private sealed record DoctorTarget(string Key, KubernetesClusterSpec Cluster, RunNeeds Needs, string? Kubeconfig);

    private sealed class DoctorInputException(string what, string message) : Exception(message)
    {
        public string What { get; } = what;
    }
}
