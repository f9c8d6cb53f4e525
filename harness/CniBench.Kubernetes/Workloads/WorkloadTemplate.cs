using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CniBench.Kubernetes.Workloads;

/// <summary>
/// One YAML template with <c>{{name}}</c> placeholders. Deliberately trivial: a placeholder stands alone as a whole
/// YAML value (after <c>key: </c>, <c>- </c> or inside <c>[ ]</c>), only names the template is allowed are accepted,
/// and every value is written as a double-quoted YAML string, so no value can change the document's structure.
/// </summary>
public sealed partial class WorkloadTemplate
{
    private readonly string _text;
    private readonly IReadOnlyList<PlaceholderUse> _uses;

    private WorkloadTemplate(string sourceName, string text, IReadOnlyList<PlaceholderUse> uses)
    {
        SourceName = sourceName;
        _text = text;
        _uses = uses;
    }

    /// <summary>Where the template came from (a file name), for messages.</summary>
    public string SourceName { get; }

    /// <summary>The placeholder names the template uses, each once.</summary>
    public IReadOnlySet<string> Placeholders => _uses.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Parses <paramref name="text"/>; every placeholder must be one of <paramref name="allowed"/>. All problems are
    /// reported at once as <c>source:line:column: message</c>.
    /// </summary>
    public static WorkloadTemplate Parse(string sourceName, string text, IReadOnlySet<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(allowed);
        var errors = new List<string>();
        var uses = new List<PlaceholderUse>();
        var lines = text.Split('\n');
        var offset = 0;
        for (var lineIndex = 0; lineIndex < lines.Length; lineIndex++)
        {
            var line = lines[lineIndex].TrimEnd('\r');
            var where = sourceName + ":" + (lineIndex + 1).ToString(CultureInfo.InvariantCulture) + ":";
            var commentStart = CommentStart(line);
            var matched = new List<(int Start, int End)>();
            foreach (Match match in PlaceholderPattern().Matches(line))
            {
                if (commentStart >= 0 && match.Index > commentStart)
                {
                    continue;
                }

                var column = (match.Index + 1).ToString(CultureInfo.InvariantCulture);
                var name = match.Groups["name"].Value.Trim();
                matched.Add((match.Index, match.Index + match.Length));
                if (!NamePattern().IsMatch(name))
                {
                    errors.Add($"{where}{column}: '{match.Value}' is not a placeholder name (letters and digits, starting with a letter)");
                }
                else if (!allowed.Contains(name))
                {
                    errors.Add($"{where}{column}: unknown placeholder '{{{{{name}}}}}'; this template may use: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
                }
                else if (!StandsAlone(line, match.Index, match.Index + match.Length))
                {
                    errors.Add($"{where}{column}: placeholder '{{{{{name}}}}}' must be a whole YAML value (e.g. 'key: {{{{{name}}}}}'), not part of a longer text");
                }
                else
                {
                    uses.Add(new PlaceholderUse(name, offset + match.Index, match.Length));
                }
            }

            foreach (var stray in new[] { "{{", "}}" })
            {
                for (var i = line.IndexOf(stray, StringComparison.Ordinal); i >= 0 && (commentStart < 0 || i < commentStart); i = line.IndexOf(stray, i + 2, StringComparison.Ordinal))
                {
                    if (!matched.Any(m => i >= m.Start && i < m.End))
                    {
                        errors.Add($"{where}{(i + 1).ToString(CultureInfo.InvariantCulture)}: '{stray}' without its other half; placeholders are written {{{{name}}}}");
                    }
                }
            }

            offset += lines[lineIndex].Length + 1;
        }

        if (errors.Count > 0)
        {
            throw new WorkloadTemplateException(errors);
        }

        return new WorkloadTemplate(sourceName, text, uses);
    }

    /// <summary>The text with every placeholder replaced by its value as a quoted YAML string.</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var missing = _uses.Select(u => u.Name).Where(n => !values.ContainsKey(n)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new WorkloadTemplateException($"{SourceName}: no value for {string.Join(", ", missing.Select(m => "{{" + m + "}}"))}");
        }

        var builder = new StringBuilder(_text.Length + 64);
        var position = 0;
        foreach (var use in _uses)
        {
            builder.Append(_text, position, use.Offset - position);
            builder.Append(Quote(values[use.Name]));
            position = use.Offset + use.Length;
        }

        builder.Append(_text, position, _text.Length - position);
        return builder.ToString();
    }

    /// <summary>A YAML double-quoted scalar: only backslash, the quote and non-printing characters need escapes.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '"':
                    builder.Append("\\\"");
                    break;
                case < ' ' or '\u007f' or '\u0085' or '\u2028' or '\u2029' or '\ufeff':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    // A '#' starts a comment when it begins the line or follows whitespace (templates never quote a '#').
    private static int CommentStart(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool StandsAlone(string line, int start, int end)
    {
        var before = start == 0 ? ' ' : line[start - 1];
        var after = end >= line.Length ? ' ' : line[end];
        return before is ' ' or '[' or ',' && after is ' ' or ',' or ']';
    }

    [GeneratedRegex(@"\{\{(?<name>[^{}\r\n]*)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private sealed record PlaceholderUse(string Name, int Offset, int Length);
}
