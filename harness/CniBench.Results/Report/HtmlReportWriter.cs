using System.Net;
using System.Text;

namespace CniBench.Results.Report;

/// <summary>
/// Renders <see cref="ReportDocument"/> as one self-contained HTML file: inline CSS, charts as inline SVG (PNG as a
/// data URI when a chart has no SVG), no script, and a Content-Security-Policy that forbids every external request.
/// Every text from the run folder goes through <see cref="WebUtility.HtmlEncode(string)"/>.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Nothing but inline styles and data: images may load; any other load or script is refused by the browser.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private const string Css = """
        :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0b5cad; }
        * { box-sizing: border-box; }
        html { font-size: 16px; }
        body { margin: 0; color: var(--fg); background: #fff; font: 1rem/1.55 "DejaVu Sans", "Noto Sans", "Helvetica Neue", Arial, sans-serif; -webkit-text-size-adjust: 100%; }
        header, main, footer { max-width: 78rem; margin: 0 auto; padding: 0 2rem; }
        header { padding-top: 2.5rem; padding-bottom: 1rem; border-bottom: 1px solid var(--line); }
        h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .75rem; letter-spacing: -.01em; }
        h2 { font-size: 1.45rem; margin: 2.75rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
        h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
        p { margin: .5rem 0 1rem; max-width: 50rem; }
        .lead { color: var(--muted); margin: .2rem 0; }
        nav ol { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; padding: 0; margin: 1.25rem 0 0; }
        nav a, a { color: var(--accent); text-decoration: none; }
        nav a:hover, a:hover { text-decoration: underline; }
        .scroll { overflow-x: auto; margin: .5rem 0 1.25rem; }
        table { border-collapse: collapse; font-size: .875rem; font-variant-numeric: tabular-nums; }
        th, td { padding: .35rem .7rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { background: var(--soft); font-weight: 600; white-space: nowrap; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tbody tr:hover td { background: #fafbfc; }
        td.r { min-width: 6.5rem; }
        td.r .fig { display: block; margin-top: .15rem; font-size: .78rem; color: var(--fg); }
        #matrix { width: 100%; table-layout: fixed; font-size: .78rem; }
        #matrix th, #matrix td { padding: .3rem .35rem; white-space: normal; overflow-wrap: anywhere; }
        #matrix th:first-child { width: 8.5rem; }
        #matrix td.r { min-width: 0; }
        #matrix .badge { min-width: 0; padding: 0 .3em; font-size: .66rem; letter-spacing: .02em; }
        #matrix td.r .fig { font-size: .72rem; line-height: 1.35; }
        td.r-na .fig { color: var(--muted); }
        .badge { display: inline-block; min-width: 5.6em; margin-right: .4em; padding: 0 .45em; border-radius: .3em; font-size: .78rem; font-weight: 600; text-align: center; text-transform: uppercase; letter-spacing: .03em; }
        .r-best .badge { background: #dafbe1; color: #116329; }
        .r-acceptable .badge { background: #fff8c5; color: #7d4e00; }
        .r-poor .badge { background: #ffebe9; color: #a40e26; }
        .r-na { color: var(--muted); }
        .r-na .badge { background: var(--soft); color: var(--muted); }
        figure { margin: 1.25rem 0 2rem; }
        figure svg, figure img { display: block; width: 100%; max-width: 66rem; height: auto; border: 1px solid var(--line); border-radius: .4rem; }
        figcaption { color: var(--muted); font-size: .85rem; margin-top: .4rem; }
        pre { background: var(--soft); border: 1px solid var(--line); border-radius: .4rem; padding: .75rem 1rem; overflow-x: auto; font: .8rem/1.35 "DejaVu Sans Mono", "Noto Sans Mono", monospace; }
        details { margin: .35rem 0; }
        summary { cursor: pointer; color: var(--accent); }
        ul { max-width: 50rem; padding-left: 1.25rem; }
        li { margin: .3rem 0; }
        footer { color: var(--muted); font-size: .8rem; padding-top: 2rem; padding-bottom: 3rem; }
        @media print { header, main, footer { max-width: none; } .scroll { overflow: visible; } }
        """;

    public static string Render(ReportDocument document, Func<ChartFile, string?> readSvg, Func<ChartFile, byte[]?> readPng, string generator)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(readSvg);
        ArgumentNullException.ThrowIfNull(readPng);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"").Append(E(generator)).Append("\">\n")
            .Append("<title>").Append(E(document.Title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<header>\n")
            .Append("<h1>").Append(E(document.Title)).Append("</h1>\n");
        foreach (var line in document.Lead)
        {
            html.Append("<p class=\"lead\">").Append(E(line)).Append("</p>\n");
        }

        html.Append("<nav aria-label=\"sections\"><ol>");
        foreach (var section in document.Sections)
        {
            html.Append("<li><a href=\"#").Append(E(section.Id)).Append("\">").Append(E(section.Title)).Append("</a></li>");
        }

        html.Append("</ol></nav>\n</header>\n<main>\n");
        var charts = 0;
        foreach (var section in document.Sections)
        {
            Section(html, section, 2, readSvg, readPng, ref charts);
        }

        html.Append("</main>\n<footer>").Append(E(generator)).Append("</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, ReportSection section, int level, Func<ChartFile, string?> readSvg, Func<ChartFile, byte[]?> readPng, ref int charts)
    {
        html.Append("<section id=\"").Append(E(section.Id)).Append("\">\n<h").Append(level).Append('>').Append(E(section.Title)).Append("</h").Append(level).Append(">\n");
        foreach (var block in section.Blocks)
        {
            Block(html, block, readSvg, readPng, ref charts);
        }

        foreach (var sub in section.Subsections)
        {
            Section(html, sub, level + 1, readSvg, readPng, ref charts);
        }

        html.Append("</section>\n");
    }

    private static void Block(StringBuilder html, ReportBlock block, Func<ChartFile, string?> readSvg, Func<ChartFile, byte[]?> readPng, ref int charts)
    {
        switch (block)
        {
            case Paragraph p:
                html.Append("<p>").Append(E(p.Text)).Append("</p>\n");
                break;
            case BulletList list:
                html.Append("<ul>");
                foreach (var item in list.Items)
                {
                    html.Append("<li>").Append(E(item)).Append("</li>");
                }

                html.Append("</ul>\n");
                break;
            case Table table:
                TableBlock(html, table);
                break;
            case Figure figure:
                charts++;
                FigureBlock(html, figure, charts, readSvg, readPng);
                break;
            case Preformatted pre:
                html.Append("<pre>").Append(E(pre.Text)).Append("</pre>\n");
                break;
            case Details details:
                html.Append("<details><summary>").Append(E(details.Summary)).Append("</summary>\n");
                foreach (var inner in details.Blocks)
                {
                    Block(html, inner, readSvg, readPng, ref charts);
                }

                html.Append("</details>\n");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), block.GetType().Name, "unknown report block");
        }
    }

    private static void TableBlock(StringBuilder html, Table table)
    {
        html.Append("<div class=\"scroll\"><table");
        if (table.Id is { } id)
        {
            html.Append(" id=\"").Append(ReportFormat.Slug(id)).Append('"');
        }

        html.Append(">\n<thead><tr>");
        for (var i = 0; i < table.Headers.Count; i++)
        {
            html.Append(table.NumericColumns.Contains(i) ? "<th class=\"num\">" : "<th>").Append(E(table.Headers[i])).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                var cell = row[i];
                if (cell.Rating is { } rating)
                {
                    var (css, word) = RatingStyle(rating);
                    html.Append("<td class=\"r ").Append(css).Append("\"><span class=\"badge\">");
                    if (cell.TextIsLabel)
                    {
                        html.Append(E(cell.Text)).Append("</span>");
                    }
                    else
                    {
                        html.Append(word).Append("</span>");
                        if (cell.Text.Length > 0 && cell.Text != "n/a")
                        {
                            html.Append("<span class=\"fig\">").Append(E(cell.Text)).Append("</span>");
                        }
                    }

                    html.Append("</td>");
                }
                else
                {
                    html.Append(table.NumericColumns.Contains(i) ? "<td class=\"num\">" : "<td>").Append(E(cell.Text)).Append("</td>");
                }
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    private static void FigureBlock(StringBuilder html, Figure figure, int index, Func<ChartFile, string?> readSvg, Func<ChartFile, byte[]?> readPng)
    {
        var id = "chart-" + ReportFormat.Slug(figure.Chart.Stem);
        html.Append("<figure id=\"").Append(id).Append("\">");
        var svg = readSvg(figure.Chart) is { } text ? SvgInliner.Inline(text, $"c{index}-", figure.Caption) : null;
        if (svg is not null)
        {
            html.Append(svg);
        }
        else if (readPng(figure.Chart) is { } png)
        {
            html.Append("<img alt=\"").Append(E(figure.Caption)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">");
        }
        else
        {
            html.Append("<p>(the chart file could not be read)</p>");
        }

        html.Append("<figcaption>").Append(E(figure.Caption)).Append("</figcaption></figure>\n");
    }

    internal static (string Css, string Word) RatingStyle(Rating rating) => rating switch
    {
        Rating.Best => ("r-best", "best"),
        Rating.Acceptable => ("r-acceptable", "acceptable"),
        Rating.Poor => ("r-poor", "poor"),
        _ => ("r-na", "n/a"),
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
