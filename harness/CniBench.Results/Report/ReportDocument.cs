namespace CniBench.Results.Report;

/// <summary>
/// The report as plain content: sections of paragraphs, tables, charts and preformatted text. The HTML and the
/// Markdown writers render this one document, so both files always carry the same content. Every string in it is
/// raw text; escaping is the writers' job.
/// </summary>
public sealed record ReportDocument(string Title, IReadOnlyList<string> Lead, IReadOnlyList<ReportSection> Sections)
{
    /// <summary>Every section id, top level and nested, in document order.</summary>
    public IReadOnlyList<string> SectionIds => [.. Sections.SelectMany(s => s.AllIds())];
}

public sealed record ReportSection(string Id, string Title, IReadOnlyList<ReportBlock> Blocks)
{
    public IReadOnlyList<ReportSection> Subsections { get; init; } = [];

    public IEnumerable<string> AllIds() => [Id, .. Subsections.SelectMany(s => s.AllIds())];
}

public abstract record ReportBlock;

public sealed record Paragraph(string Text) : ReportBlock;

public sealed record BulletList(IReadOnlyList<string> Items) : ReportBlock;

/// <param name="Id">Optional element id (stable, made of [a-z0-9-]).</param>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<Cell>> Rows, string? Id = null) : ReportBlock
{
    /// <summary>Headers of columns that hold numbers (right-aligned).</summary>
    public IReadOnlySet<int> NumericColumns { get; init; } = new HashSet<int>();
}

/// <param name="Rating">Set on graded cells: the writers show the grade as a colour and, unless <paramref name="TextIsLabel"/>, as a word before the text.</param>
/// <param name="TextIsLabel">The text itself is the grade's label (e.g. "pass"), so no grade word is added.</param>
public sealed record Cell(string Text, Rating? Rating = null, bool TextIsLabel = false)
{
    public static implicit operator Cell(string text) => new(text);

    public static Cell FromString(string text) => new(text);
}

public sealed record Figure(ChartFile Chart, string Caption) : ReportBlock;

public sealed record Preformatted(string Text) : ReportBlock;

/// <summary>A collapsed block (HTML <c>details</c>); Markdown shows it expanded under its summary line.</summary>
public sealed record Details(string Summary, IReadOnlyList<ReportBlock> Blocks) : ReportBlock;
