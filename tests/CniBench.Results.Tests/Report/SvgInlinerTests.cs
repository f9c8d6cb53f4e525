using CniBench.Results.Report;

namespace CniBench.Results.Tests.Report;

public sealed class SvgInlinerTests
{
    private const string Hostile = """
        <?xml version="1.0" encoding="utf-8" ?>
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="200" onload="alert(1)">
          <script>alert(2)</script>
          <clipPath id="cl_4"><rect width="10" height="10"/></clipPath>
          <g clip-path="url(#cl_4)"><rect fill="url(https://evil.example/x)" width="5" height="5"/></g>
          <use href="https://evil.example/sprite.svg#a"/>
          <use xlink:href="#cl_4"/>
          <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
          <text x="1" y="1">a &lt;b&gt; &amp; c</text>
        </svg>
        """;

    [Fact]
    public void Inline_HostileSvg_KeepsOnlyDrawing()
    {
        var svg = SvgInliner.Inline(Hostile, "c1-", "chart")!;

        Assert.DoesNotContain("script", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onload", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("evil.example", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("foreignObject", svg, StringComparison.Ordinal);
        Assert.Contains("a &lt;b&gt; &amp; c", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_TwoCharts_IdsAndReferencesArePrefixed()
    {
        var svg = SvgInliner.Inline(Hostile, "c7-", "chart")!;

        Assert.Contains("id=\"c7-cl_4\"", svg, StringComparison.Ordinal);
        Assert.Contains("url(#c7-cl_4)", svg, StringComparison.Ordinal);
        Assert.Contains("href=\"#c7-cl_4\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("\"cl_4\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_FixedSize_BecomesViewBox()
    {
        var svg = SvgInliner.Inline(Hostile, "c1-", "tcp <throughput>")!;

        Assert.Contains("viewBox=\"0 0 400 200\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("width=\"400\"", svg, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"tcp &lt;throughput&gt;\"", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not xml at all <")]
    [InlineData("<html xmlns=\"http://www.w3.org/1999/xhtml\"/>")]
    [InlineData("<!DOCTYPE svg [<!ENTITY x \"y\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&x;</svg>")]
    public void Inline_NotAnSvg_ReturnsNull(string text) => Assert.Null(SvgInliner.Inline(text, "c1-", "chart"));
}
