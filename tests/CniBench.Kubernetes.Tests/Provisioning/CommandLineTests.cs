using CniBench.Kubernetes.Provisioning;

namespace CniBench.Kubernetes.Tests.Provisioning;

public sealed class CommandLineTests
{
    [Fact]
    public void Split_PlainWordsAndRunsOfSpaces_OneArgumentPerWord()
    {
        Assert.Equal(["scripts/provision/kind/create.sh", "{cni}", "{podCidr}"], CommandLine.Split("  scripts/provision/kind/create.sh \t{cni}   {podCidr} "));
    }

    [Fact]
    public void Split_SingleQuotes_KeepSpacesDoubleQuotesAndBackslashesLiterally()
    {
        Assert.Equal(["kops", "--name", "a b \"c\" \\d"], CommandLine.Split("kops --name 'a b \"c\" \\d'"));
    }

    [Fact]
    public void Split_DoubleQuotes_KeepSpacesAndSingleQuotesAndHonourEscapedQuote()
    {
        Assert.Equal(["echo", "it's \"quoted\" \\ here", "x"], CommandLine.Split("echo \"it's \\\"quoted\\\" \\\\ here\" x"));
    }

    [Fact]
    public void Split_QuotesAdjacentToText_JoinIntoOneArgument()
    {
        Assert.Equal(["--set=a b", "pre'x'post"], CommandLine.Split("--set='a b' pre\"'x'\"post"));
    }

    [Fact]
    public void Split_EmptyQuotes_GiveEmptyArguments()
    {
        Assert.Equal(["cmd", "", ""], CommandLine.Split("cmd '' \"\""));
    }

    [Fact]
    public void Split_BackslashOutsideQuotes_EscapesTheNextCharacter()
    {
        Assert.Equal(["a b", "c"], CommandLine.Split("a\\ b c"));
    }

    [Fact]
    public void Split_ShellOperators_StayPlainArguments()
    {
        // Nothing reaches a shell, so ';' and '$(...)' are just text the program receives.
        Assert.Equal(["create.sh", "x;", "rm", "$(id)", "|", "cat"], CommandLine.Split("create.sh x; rm $(id) | cat"));
    }

    [Fact]
    public void Split_EmptyOrBlank_NoArguments()
    {
        Assert.Empty(CommandLine.Split("   "));
    }

    [Theory]
    [InlineData("create.sh 'unterminated", "unterminated single quote at column 11")]
    [InlineData("create.sh \"unterminated", "unterminated double quote at column 11")]
    [InlineData("create.sh trailing\\", "lone backslash")]
    public void Split_BadQuoting_ThrowsWithWhere(string line, string expected)
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Split(line));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
