using System.CommandLine;

namespace CniBench.Cli.Tests;

public sealed class HelpTests
{
    /// <summary>Every command of the tree by its path (e.g. "lab up"), so a command added later is covered too.</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        foreach (var (path, _) in Walk(CliApp.CreateRoot(), []))
        {
            data.Add(string.Join(' ', path));
        }

        return data;
    }

    [Fact]
    public async Task InvokeAsync_RootHelp_ListsEverySubcommand()
    {
        var result = await CliInvocation.InvokeAsync("--help");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("cnibench doctor", OutputText.Flat(result.Output), StringComparison.Ordinal);
        foreach (var command in new[] { "run", "lab", "doctor", "bench", "netpol" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", result.Output);
        }
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task InvokeAsync_SubcommandHelp_ExitsZeroAndNamesItsSubcommandsAndOptions(string path)
    {
        var words = path.Split(' ');
        var command = Walk(CliApp.CreateRoot(), []).Single(c => string.Join(' ', c.Path) == path).Command;

        var result = await CliInvocation.InvokeAsync([.. words, "--help"]);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var text = OutputText.Flat(result.Output);
        Assert.Contains("Usage:", text, StringComparison.Ordinal);
        // The usage line starts with the executable's name, which in this test host is not cnibench.
        Assert.Contains(" " + path + " ", text, StringComparison.Ordinal);
        Assert.Contains(OutputText.Flat(command.Description ?? "").Split(':')[0], text, StringComparison.Ordinal);
        foreach (var sub in command.Subcommands)
        {
            Assert.Matches($@"(?m)^\s+{sub.Name}\b", result.Output);
        }

        foreach (var option in command.Options)
        {
            Assert.Contains(option.Name, text, StringComparison.Ordinal);
        }

        foreach (var argument in command.Arguments)
        {
            Assert.Contains($"<{argument.Name}>", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvokeAsync_RunHelp_DocumentsTheExitCodes()
    {
        var result = await CliInvocation.InvokeAsync("run", "--help");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        foreach (var code in new[] { "0 done", "2 bad input", "3 some measurements failed", "4 host not ready", "130 interrupted" })
        {
            Assert.Contains(code, OutputText.Flat(result.Output), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvokeAsync_UnknownSubcommand_ExitsBadInput()
    {
        var result = await CliInvocation.InvokeAsync("frobnicate");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("frobnicate", result.All, StringComparison.Ordinal);
    }

    private static IEnumerable<(IReadOnlyList<string> Path, Command Command)> Walk(Command parent, IReadOnlyList<string> path)
    {
        foreach (var command in parent.Subcommands)
        {
            IReadOnlyList<string> here = [.. path, command.Name];
            yield return (here, command);
            foreach (var child in Walk(command, here))
            {
                yield return child;
            }
        }
    }
}
