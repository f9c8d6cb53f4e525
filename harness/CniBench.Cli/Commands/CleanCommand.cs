using System.CommandLine;
using CniBench.Kubernetes;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary><c>cnibench clean</c>: removes what Kubernetes runs left behind (namespaces labelled cnibench.io/run).</summary>
internal static class CleanCommand
{
    public static Command Create()
    {
        var context = new Option<string?>("--context") { Description = "kubeconfig context to clean (default: the current context)" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)" };
        var command = new Command("clean", "Delete every namespace labelled cnibench.io/run on a Kubernetes cluster, and wait until they are gone. For labs on this host use 'cnibench lab down'.")
        {
            context, kubeconfig,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            try
            {
                using var connection = KubeContexts.Connect(parse.GetValue(kubeconfig), parse.GetValue(context));
                var deleted = await KubeCleaner.CleanAsync(connection.Client, connection.Context, cancellationToken: cancellationToken);
                console.MarkupLine(deleted.Count == 0
                    ? $"no CniBench namespace on {Markup.Escape(connection.Context)}"
                    : $"deleted on {Markup.Escape(connection.Context)}: {Markup.Escape(string.Join(", ", deleted))}");
                return ExitCodes.Ok;
            }
            catch (KubeOperationException ex)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.Environment;
            }
        });
        return command;
    }
}
