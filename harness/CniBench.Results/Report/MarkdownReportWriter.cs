using System.Net;
using System.Text;

namespace CniBench.Results.Report;

/// <summary>
/// Renders <see cref="ReportDocument"/> as GitHub-flavoured Markdown for a repository or wiki: GFM tables, charts as
/// relative PNG links (the run's <c>charts/</c> folder sits next to the file), and every text from the run folder
/// escaped so that <c>|</c>, Markdown syntax and raw HTML in a name stay literal.
/// </summary>
public static class MarkdownReportWriter
{
    private const string Specials = "\\`*_[]|~#!";

    public static string Render(ReportDocument document, string generator)
    {
        ArgumentNullException.ThrowIfNull(document);
        var md = new StringBuilder(32 * 1024);
        md.Append("# ").Append(Escape(document.Title)).Append("\n\n");
        foreach (var line in document.Lead)
        {
            md.Append(Escape(line)).Append("\n\n");
        }

        md.Append("Contents: ").AppendJoin(" · ", document.Sections.Select(s => $"[{Escape(s.Title)}](#{s.Id})")).Append("\n\n");
        foreach (var section in document.Sections)
        {
            Section(md, section, 2);
        }

        md.Append("---\n\n").Append(Escape(generator)).Append('\n');
        return md.ToString();
    }

    /// <summary>Inline text made literal: Markdown specials backslash-escaped, <c>&lt; &gt; &amp;</c> as entities, one line.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var md = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '<':
                    md.Append("&lt;");
                    break;
                case '>':
                    md.Append("&gt;");
                    break;
                case '&':
                    md.Append("&amp;");
                    break;
                case '\r' or '\n' or '\t':
                    md.Append(' ');
                    break;
                default:
                    if (Specials.Contains(c, StringComparison.Ordinal))
                    {
                        md.Append('\\');
                    }

                    md.Append(c);
                    break;
            }
        }

        // A line that starts with a list, heading or rule marker would change meaning.
        if (md.Length > 0 && md[0] is '-' or '+' or '=')
        {
            md.Insert(0, '\\');
        }

        return md.ToString();
    }

    private static void Section(StringBuilder md, ReportSection section, int level)
    {
        md.Append("<a id=\"").Append(WebUtility.HtmlEncode(section.Id)).Append("\"></a>\n\n")
            .Append('#', level).Append(' ').Append(Escape(section.Title)).Append("\n\n");
        foreach (var block in section.Blocks)
        {
            Block(md, block);
        }

        foreach (var sub in section.Subsections)
        {
            Section(md, sub, level + 1);
        }
    }

    private static void Block(StringBuilder md, ReportBlock block)
    {
        switch (block)
        {
            case Paragraph p:
                md.Append(Escape(p.Text)).Append("\n\n");
                break;
            case BulletList list:
                foreach (var item in list.Items)
                {
                    md.Append("- ").Append(Escape(item)).Append('\n');
                }

                md.Append('\n');
                break;
            case Table table:
                TableBlock(md, table);
                break;
            case Figure figure:
                var file = figure.Chart.PngPath ?? figure.Chart.SvgPath;
                if (file is not null)
                {
                    md.Append("![").Append(Escape(figure.Caption)).Append("](").Append(LinkTarget(file)).Append(")\n\n");
                }

                break;
            case Preformatted pre:
                var fence = new string('`', Math.Max(3, LongestRun(pre.Text, '`') + 1));
                md.Append(fence).Append('\n').Append(pre.Text.ReplaceLineEndings("\n").TrimEnd('\n')).Append('\n').Append(fence).Append("\n\n");
                break;
            case Details details:
                md.Append("<details><summary>").Append(WebUtility.HtmlEncode(details.Summary)).Append("</summary>\n\n");
                foreach (var inner in details.Blocks)
                {
                    Block(md, inner);
                }

                md.Append("</details>\n\n");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), block.GetType().Name, "unknown report block");
        }
    }

    private static void TableBlock(StringBuilder md, Table table)
    {
        // GFM needs a header row; an untitled key/value table gets plain column names.
        var headers = table.Headers.All(h => h.Length == 0) ? table.Headers.Select((_, i) => i == 0 ? "item" : "value").ToList() : [.. table.Headers];
        md.Append("| ").AppendJoin(" | ", headers.Select(Escape)).Append(" |\n|");
        for (var i = 0; i < headers.Count; i++)
        {
            md.Append(table.NumericColumns.Contains(i) ? "---:|" : "---|");
        }

        md.Append('\n');
        foreach (var row in table.Rows)
        {
            md.Append("| ").AppendJoin(" | ", row.Select(CellText)).Append(" |\n");
        }

        md.Append('\n');
    }

    private static string CellText(Cell cell)
    {
        if (cell.Rating is not { } rating || cell.TextIsLabel)
        {
            return cell.Text.Length == 0 ? " " : Escape(cell.Text);
        }

        var word = HtmlReportWriter.RatingStyle(rating).Word;
        return rating == Rating.NotApplicable
            ? (cell.Text is "n/a" or "" ? "n/a" : $"n/a ({Escape(cell.Text)})")
            : $"**{word}** {Escape(cell.Text)}";
    }

    /// <summary>A relative link with every path segment percent-encoded, so no file name can end the link early.</summary>
    private static string LinkTarget(string relativePath) =>
        string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
