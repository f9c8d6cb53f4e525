using System.CommandLine;
using CniBench.Catalog;
using CniBench.Lab;
using CniBench.Runs;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench doctor</c>: can this host run the lab, and what to do about each thing it lacks; with <c>--context</c> or a
/// Kubernetes scenario, can a run work on those clusters (<see cref="ClusterDoctor"/>).
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario")
        {
            Description = "A Kubernetes scenario: check every cluster it names (clusters it provisions are skipped: they do not exist yet)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var context = new Option<string?>("--context") { Description = "Check this kubeconfig context instead of this host (with a scenario: the cluster of its one CNI, as 'run --context')" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: the scenario's, else KUBECONFIG, then ~/.kube/config)" };
        var cni = new Option<string?>("--cni") { Description = "The CNI the cluster should run (default: only report what runs); with a scenario, check only that CNI's cluster, as 'run --cni'" };
        var allowInstall = new Option<bool>("--allow-install") { Description = "Check as for 'run --allow-install': the rights to install a CNI too" };
        var noPull = new Option<bool>("--no-pull") { Description = "Skip the image pull probe: then nothing at all is written to the cluster" };
        var manifests = new Option<string?>("--manifests") { Description = "Folder of CNI manifests (default: manifests/cni of this checkout)" };
        var command = new Command(
            "doctor",
            "Check this host: root, tools and their versions, kernel features (veth, bridge, vxlan, wireguard, ipip, geneve, xfrm). Exit 0 when the default scenario can run, 4 otherwise.\n\n" +
            "With --context or a Kubernetes scenario, check the cluster(s) instead: the API and its version, every permission a run needs " +
            "(SelfSubjectAccessReview, listed allowed/denied), the nodes that can carry workloads, the CNI running against the expected one, " +
            "metrics-server, helm where the catalog installs by chart, and whether the workload images pull. Everything is read, except the " +
            "image pull probe: one short-lived pod in a run-labelled namespace, deleted afterwards (--no-pull skips it). Exit 4 with a list of what to fix.")
        {
            scenario, context, kubeconfig, cni, allowInstall, noPull, manifests,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            if (parse.GetValue(scenario) is not null || parse.GetValue(context) is not null)
            {
                var request = new ClusterDoctorRequest
                {
                    Scenario = parse.GetValue(scenario),
                    Context = parse.GetValue(context),
                    Kubeconfig = parse.GetValue(kubeconfig),
                    Cni = parse.GetValue(cni),
                    AllowInstall = parse.GetValue(allowInstall),
                    ProbeImages = !parse.GetValue(noPull),
                    Manifests = parse.GetValue(manifests),
                };
                return await ClusterDoctor.RunAsync(request, console, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
            }

            if (parse.GetValue(kubeconfig) is not null || parse.GetValue(cni) is not null || parse.GetValue(allowInstall) || parse.GetValue(noPull))
            {
                parse.InvocationConfiguration.Error.WriteLine("error: --kubeconfig, --cni, --allow-install and --no-pull check a cluster: add --context <ctx> or a Kubernetes scenario");
                return ExitCodes.BadInput;
            }

            var checks = (await LabPreflight.RunAsync(null, cancellationToken)).ToList();
            var iperf = await ToolVersions.FirstLineAsync(["iperf3", "--version"], cancellationToken);
            checks.Insert(1, iperf is null
                ? new PreflightCheck("tool:iperf3", false, "not installed: apt-get install iperf3")
                : new PreflightCheck("tool:iperf3", true, iperf));
            checks.Add(new PreflightCheck("dotnet", true, $".NET {Environment.Version}"));

            var table = new Table().AddColumns("check", "", "detail / how to fix");
            foreach (var check in checks)
            {
                table.AddRow(Markup.Escape(check.Feature), check.Ok ? "[green]ok[/]" : Required(check) ? "[red]missing[/]" : "[yellow]absent[/]", Markup.Escape(check.Detail));
            }

            console.Write(table);
            try
            {
                var variants = new Table().AddColumns("cni[[+variant]]", "lab here", "why / how");
                foreach (var support in await LabSupportCheck.ListAsync(CniCatalog.Load(RepoPaths.ManifestsCni()), null, cancellationToken))
                {
                    variants.AddRow(Markup.Escape(support.Cluster), support.Runnable ? "[green]runnable[/]" : "[yellow]unsupported[/]", Markup.Escape(support.Reason));
                }

                console.Write(variants);
            }
            catch (CatalogException ex)
            {
                console.MarkupLine($"[red]CNI catalog:[/] {Markup.Escape(ex.Message)}");
            }

            var blocking = checks.Where(c => !c.Ok && Required(c)).ToList();
            console.MarkupLine(blocking.Count == 0
                ? "[green]this host can run the default scenario[/] (absent optional features only limit the variants that need them)"
                : $"[red]{blocking.Count} required check(s) failed[/]: fix them, then run cnibench doctor again");
            return blocking.Count == 0 ? ExitCodes.Ok : ExitCodes.Environment;
        });
        return command;
    }

    /// <summary>What the default scenario (flannel and calico) cannot do without.</summary>
    private static bool Required(PreflightCheck check) =>
        check.Feature is "root" or "tool:ip" or "tool:iperf3" or "link:veth" or "link:bridge" or "link:vxlan" or "kernel probes";
}
