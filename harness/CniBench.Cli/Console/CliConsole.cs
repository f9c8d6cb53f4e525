using System.CommandLine;
using Spectre.Console;

namespace CniBench.Cli;

/// <summary>Spectre console bound to the invocation's output writer, so tests can capture what a command prints.</summary>
internal static class CliConsole
{
    private const int LogWidth = 200;

    public static IAnsiConsole Create(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        if (ReferenceEquals(writer, System.Console.Out) && !System.Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Logs and captured output have no terminal width; 80 columns would split file:line:col messages.
        console.Profile.Width = LogWidth;
        return console;
    }
}
