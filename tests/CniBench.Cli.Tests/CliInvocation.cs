using System.Text.RegularExpressions;

namespace CniBench.Cli.Tests;

/// <summary>What one in-process command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

internal static class CliInvocation
{
    /// <summary>Runs the command tree in this process with captured output, as a shell would run the binary.</summary>
    public static async Task<CliResult> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.InvokeAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

internal static partial class OutputText
{
    /// <summary>
    /// The text with every run of white space made one space: the console wraps long lines at 80 columns when it
    /// is not a terminal, and a wrapped message is still the same message.
    /// </summary>
    public static string Flat(string text) => WhiteSpace().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
