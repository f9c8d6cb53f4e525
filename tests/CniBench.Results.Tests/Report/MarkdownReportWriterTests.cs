using CniBench.Results.Report;

namespace CniBench.Results.Tests.Report;

public sealed class MarkdownReportWriterTests
{
    [Theory]
    [InlineData("a|b", @"a\|b")]
    [InlineData("*bold* _it_ `code` [link](x)", @"\*bold\* \_it\_ \`code\` \[link\](x)")]
    [InlineData("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;")]
    [InlineData("# heading", @"\# heading")]
    [InlineData("- item", @"\- item")]
    [InlineData("two\nlines", "two lines")]
    [InlineData(@"back\slash", @"back\\slash")]
    public void Escape_MarkdownSpecials_StayLiteral(string text, string expected) =>
        Assert.Equal(expected, MarkdownReportWriter.Escape(text));

    [Fact]
    public void Render_Preformatted_FenceOutlastsBackticksInText()
    {
        var document = new ReportDocument("t", [], [new ReportSection("s", "S", [new Preformatted("a ```` b")])]);

        var markdown = MarkdownReportWriter.Render(document, "gen");

        Assert.Contains("`````\na ```` b\n`````", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RatedCell_ShowsGradeWord()
    {
        var table = new Table(["CNI", "TCP"], [[new Cell("calico"), new Cell("9.1 Gbit/s (94%)", Rating.Best)], [new Cell("x"), new Cell("n/a", Rating.NotApplicable)]]);
        var document = new ReportDocument("t", [], [new ReportSection("s", "S", [table])]);

        var markdown = MarkdownReportWriter.Render(document, "gen");

        Assert.Contains("| calico | **best** 9.1 Gbit/s (94%) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| x | n/a |", markdown, StringComparison.Ordinal);
    }
}
