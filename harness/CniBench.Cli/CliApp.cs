using System.CommandLine;
using CniBench.Cli.Commands;

namespace CniBench.Cli;

/// <summary>The command tree. Each command lives in its own type under Commands/.</summary>
public static class CliApp
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "CniBench benchmarks Kubernetes CNI datapaths: TCP/UDP throughput per CNI on a network-namespace lab " +
            "(default) or real clusters, with the node-to-node underlay as reference, and writes CSV, charts and a " +
            "summary to results/<run-id>/.\n\nStart with:  cnibench doctor   then   cnibench run scenarios/quick.yaml")
        {
            RunCommand.Create(),
            LabCommand.Create(),
            DoctorCommand.Create(),
            BenchCommand.Create(),
            NetpolCommand.Create(),
            CleanCommand.Create(),
            RenderCommand.Create(),
            ReportCommand.Create(),
            CompareCommand.Create(),
            HistoryCommand.Create(),
        };
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration
        {
            // Signals are handled by Interruption so that teardown always finishes before exit.
            ProcessTerminationTimeout = null,
        };
        if (output is not null)
        {
            configuration.Output = output;
        }

        if (error is not null)
        {
            configuration.Error = error;
        }

        var parse = CreateRoot().Parse(args);
        var code = await parse.InvokeAsync(configuration);
        return parse.Errors.Count > 0 ? ExitCodes.BadInput : code;
    }
}
