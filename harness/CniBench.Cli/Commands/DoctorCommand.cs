using System.CommandLine;
using CniBench.Catalog;
using CniBench.Lab;
using CniBench.Runs;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary><c>cnibench doctor</c>: can this host run the lab, and what to do about each thing it lacks.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check this host: root, tools and their versions, kernel features (veth, bridge, vxlan, wireguard, ipip, geneve, xfrm). Exit 0 when the default scenario can run, 4 otherwise.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
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
