using System.CommandLine;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Lab;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary><c>cnibench lab up|down|status</c>: a lab to explore by hand, and the clean-up after a crash.</summary>
internal static class LabCommand
{
    public static Command Create() => new("lab", "Manage network-namespace labs by hand: bring one up to explore, list them, remove them (also after a crash)")
    {
        Up(),
        Down(),
        Status(),
    };

    private static Command Up()
    {
        var cni = new Option<string>("--cni") { Description = "CNI datapath to model (cni or cni+variant, e.g. calico+wireguard), or 'underlay' for nodes only", DefaultValueFactory = _ => "flannel" };
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes (2-50)", DefaultValueFactory = _ => 3 };
        var pods = new Option<int>("--pods") { Description = "Pods per node (1-50)", DefaultValueFactory = _ => 2 };
        var mtu = new Option<int>("--mtu") { Description = "Underlay MTU (1280-9000)", DefaultValueFactory = _ => 1500 };
        var manifests = new Option<string?>("--manifests") { Description = "Folder of CNI manifests (default: manifests/cni)" };
        var command = new Command("up", "Bring up a lab that stays until 'cnibench lab down' (never swept by runs). Explore it with 'ip netns exec <namespace> <command>'.")
        {
            cni, nodes, pods, mtu, manifests,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            if (!Environment.IsPrivilegedProcess)
            {
                console.MarkupLine("[red]error:[/] the lab needs root: it creates network namespaces");
                return ExitCodes.Environment;
            }

            var shape = new ClusterShape(parse.GetValue(nodes), parse.GetValue(pods), parse.GetValue(mtu));
            if (shape is not { Nodes: >= 2 and <= 50, PodsPerNode: >= 1 and <= 50, UnderlayMtu: >= 1280 and <= 9000 })
            {
                console.MarkupLine("[red]error:[/] --nodes must be 2-50, --pods 1-50, --mtu 1280-9000");
                return ExitCodes.BadInput;
            }

            CniCatalog catalog;
            try
            {
                catalog = CniCatalog.Load(RepoPaths.ManifestsCni(parse.GetValue(manifests)));
            }
            catch (CatalogException ex)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.BadInput;
            }

            var name = parse.GetRequiredValue(cni);
            var id = ClusterId.Parse(name);
            if (name != Underlay.Name && !catalog.ClusterIds.Contains(name))
            {
                console.MarkupLine(id.Variant is not null && catalog.TryGet(id.Cni, out var known)
                    ? $"[red]error:[/] {Markup.Escape(id.Cni)} offers no variant '{Markup.Escape(id.Variant)}'; it offers: {Markup.Escape(string.Join(", ", known.Variants.Select(v => v.Name).DefaultIfEmpty("none")))}"
                    : $"[red]error:[/] unknown CNI '{Markup.Escape(id.Cni)}'; known: {Markup.Escape(string.Join(", ", catalog.Names.Order()))}, {Underlay.Name}");
                return ExitCodes.BadInput;
            }

            if (name != Underlay.Name && catalog[id.Cni].Lab is null)
            {
                console.MarkupLine($"[red]error:[/] CNI '{Markup.Escape(id.Cni)}' has no lab datapath model yet; it runs with provider: kubernetes only");
                return ExitCodes.BadInput;
            }

            var provider = new LabProvider(catalog, new LabProviderOptions { Persistent = true });
            LabCluster cluster;
            try
            {
                cluster = await provider.CreateAsync(ClusterRequest.For(id, shape), null, cancellationToken);
            }
            catch (ClusterUnsupportedException ex)
            {
                console.MarkupLine($"[yellow]unsupported on this host:[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.Environment;
            }
            catch (CniBench.Core.Processes.ToolMissingException ex)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.Environment;
            }
            if (cluster.WireGuard is { } wireGuard)
            {
                console.MarkupLine($"WireGuard: {Markup.Escape(wireGuard.Implementation)}; keys in {Markup.Escape(wireGuard.KeyDirectory)} (deleted by lab down)");
            }

            console.MarkupLine($"[green]lab {Markup.Escape(cluster.Name)}[/] is up: {Markup.Escape(cluster.Description)}");
            var table = new Table().AddColumns("host", "namespace", "address", "mtu");
            foreach (var node in cluster.Nodes)
            {
                foreach (var host in node.Pods.Prepend(node.HostNetwork))
                {
                    var ns = host.Runner is CniBench.Processes.NetnsProcessRunner netns ? netns.NamespaceName : "";
                    table.AddRow(Markup.Escape(host.Name), Markup.Escape(ns), host.Address.ToString(), host.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            console.Write(table);
            console.MarkupLine($"remove it with: [bold]cnibench lab down {Markup.Escape(cluster.Name)}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Down()
    {
        var target = new Argument<string?>("lab")
        {
            Description = "Lab name or run prefix (e.g. cnb-3fa2); default: every lab of CniBench on this host",
            DefaultValueFactory = _ => null,
        };
        var cni = new Option<string?>("--cni") { Description = "Only labs modelling this CNI" };
        var command = new Command("down", "Remove labs: their processes, namespaces, links and state. Safe to repeat; use after a crash.") { target, cni };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            if (!Environment.IsPrivilegedProcess)
            {
                console.MarkupLine("[red]error:[/] removing network namespaces needs root");
                return ExitCodes.Environment;
            }

            var janitor = new LabJanitor();
            var removed = new List<string>();
            var failed = new List<LabTeardownException>();
            var labs = parse.GetValue(cni) is { } only
                ? [.. (await janitor.ListAsync(cancellationToken)).Where(l => l.Cni == only).Select(l => l.Lab)]
                : new List<string?> { parse.GetValue(target) };
            foreach (var lab in labs)
            {
                var removal = await janitor.DownAsync(lab, CancellationToken.None);
                removed.AddRange(removal.Removed);
                failed.AddRange(removal.Failed);
            }

            if (removed.Count > 0 || failed.Count == 0)
            {
                console.MarkupLine(removed.Count == 0 ? "no lab to remove" : $"removed {removed.Count}: {Markup.Escape(string.Join(", ", removed))}");
            }

            foreach (var failure in failed)
            {
                console.MarkupLine($"[red]not removed[/]: {Markup.Escape(failure.Message)}");
            }

            return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.LeftBehind;
        });
        return command;
    }

    private static Command Status()
    {
        var cni = new Option<string?>("--cni") { Description = "Only labs modelling this CNI" };
        var command = new Command("status", "List labs on this host: CNI, owner process, namespaces and processes inside") { cni };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            var labs = (await new LabJanitor().ListAsync(cancellationToken)).Where(l => parse.GetValue(cni) is not { } only || l.Cni == only).ToList();
            if (labs.Count == 0)
            {
                console.MarkupLine("no lab on this host");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("lab", "cni", "owner", "namespaces", "processes", "note");
            foreach (var lab in labs)
            {
                var owner = lab.Persistent ? "lab up (persistent)" : lab.OwnerPid is { } pid ? $"pid {pid} {(lab.OwnerAlive ? "[green]alive[/]" : "[red]gone[/]")}" : "[red]unknown[/]";
                table.AddRow(
                    Markup.Escape(lab.Lab),
                    Markup.Escape(lab.Cni ?? "?"),
                    owner,
                    lab.Namespaces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    lab.Processes.Values.Sum(p => p.Count).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(lab.Problem ?? (lab.Orphan ? "orphan: no state file (cnibench lab down removes it)" : "")));
            }

            console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
