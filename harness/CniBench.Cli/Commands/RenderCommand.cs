using System.CommandLine;
using CniBench.Catalog;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Catalog;
using CniBench.Kubernetes.Workloads;
using CniBench.Runs;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench render &lt;scenario&gt; --cni X</c>: every object a Kubernetes run of the scenario would apply for that
/// CNI (its install first, then the workloads, then for an ingress test each controller's install and the Services and
/// Ingress a measurement applies), as multi-document YAML on stdout. Contacts no cluster and no network;
/// node names are placeholders.
/// </summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario YAML file, e.g. scenarios/kubernetes.yaml" };
        var cni = new Option<string>("--cni") { Description = "The CNI to render (its install and the workloads); one of the scenario's cnis", Required = true };
        var manifests = new Option<string?>("--manifests") { Description = "Folder of CNI manifests (default: manifests/cni of this checkout)" };
        var workloads = new Option<string?>("--workloads") { Description = "Folder of workload templates (default: manifests/workloads of this checkout)" };
        var runId = new Option<string?>("--run-id") { Description = "Run id to render with (default: a new one, as a run would make)" };
        var noCni = new Option<bool>("--no-cni") { Description = "Print the workloads only, not the CNI's install" };
        var cache = new Option<string?>("--cache") { Description = "Manifest download cache to read the CNI's manifests from (default: $XDG_CACHE_HOME/cnibench, else ~/.cache/cnibench); render never downloads" };
        var command = new Command("render", "Print every object a Kubernetes run would apply for one CNI, as YAML, without contacting a cluster")
        {
            scenario, cni, manifests, workloads, runId, noCni, cache,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var manifestsDirectory = RepoPaths.ManifestsCni(parse.GetValue(manifests));
            var workloadsDirectory = parse.GetValue(workloads) ?? Path.Combine(RepoPaths.Root(), "manifests", "workloads");
            var cniName = parse.GetValue(cni)!;
            ScenarioSpec spec;
            CniCatalog catalog;
            IngressCatalog? ingressCatalog;
            try
            {
                catalog = CniCatalog.Load(manifestsDirectory);
                var ingressDirectory = RepoPaths.ManifestsIngress(manifestsDirectory);
                ingressCatalog = Directory.Exists(ingressDirectory) ? IngressCatalog.Load(ingressDirectory) : null;
                spec = new ScenarioLoader(TestKinds.All, catalog.ClusterIds, LocalScenarioFiles.Instance) { IngressControllers = ingressCatalog?.Names ?? [] }.LoadFile(parse.GetValue(scenario)!);
            }
            catch (ScenarioException ex)
            {
                return Report(error, "the scenario", ex.Errors.Select(e => e.ToString()));
            }
            catch (CatalogException ex)
            {
                return Report(error, "the " + ex.Catalog, ex.Errors.Select(e => e.ToString()));
            }

            if (!spec.Cnis.Contains(cniName, StringComparer.Ordinal))
            {
                return Report(error, "--cni", [$"'{cniName}' is not one of the scenario's cnis: {string.Join(", ", spec.Cnis)}"]);
            }

            var id = parse.GetValue(runId) ?? RunIds.Create(TimeProvider.System);
            try
            {
                var rendered = WorkloadRender.Render(TemplateWorkloadSet.Load(workloadsDirectory), spec, cniName, id);
                var install = parse.GetValue(noCni) ? null : CniInstall(catalog[cniName], spec, parse.GetValue(cache) ?? ManifestDownloader.DefaultCacheDirectory);
                output.Write(rendered.ToYaml(install));
                var template = Path.Combine(workloadsDirectory, "ingress.yaml");
                if (ingressCatalog is not null && File.Exists(template) && IngressRender.ToYaml(spec, ingressCatalog, File.ReadAllText(template), id) is { } ingress)
                {
                    output.Write(ingress);
                }

                return ExitCodes.Ok;
            }
            catch (WorkloadTemplateException ex)
            {
                return Report(error, "the workload templates or --run-id", ex.Errors);
            }
            catch (CniBench.Ingress.IngressConfigException ex)
            {
                return Report(error, "the Ingress template manifests/workloads/ingress.yaml", [ex.Message]);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
            {
                return Report(error, $"the install of {cniName}", [ex.Message]);
            }
        });
        return command;
    }

    // The same kubeconfig and context a run hands to helm, so the printed command is the one that would run.
    private static string CniInstall(CniManifest manifest, ScenarioSpec spec, string cacheDirectory)
    {
        string? context = null;
        if (spec.Kubernetes?.Clusters.TryGetValue(manifest.Name, out var cluster) == true)
        {
            context = cluster.Context;
        }

        return CniInstallRender.ToYaml(manifest, cacheDirectory, spec.Kubernetes?.Kubeconfig, context);
    }

    private static int Report(TextWriter error, string what, IEnumerable<string> problems)
    {
        var list = problems.ToList();
        error.WriteLine($"error: {what} has {list.Count} problem{(list.Count == 1 ? "" : "s")}; nothing was rendered:");
        foreach (var problem in list)
        {
            error.WriteLine("  " + problem);
        }

        return ExitCodes.BadInput;
    }
}
