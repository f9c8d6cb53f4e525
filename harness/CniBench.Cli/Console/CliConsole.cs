using System.CommandLine;
using Spectre.Console;

namespace CniBench.Cli;

/// <summary>Spectre console bound to the invocation's output writer, so tests can capture what a command prints.</summary>
internal static class CliConsole
{
    public static IAnsiConsole Create(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        if (ReferenceEquals(writer, System.Console.Out))
        {
            return AnsiConsole.Console;
        }

        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
    }
}
