using System.Diagnostics.CodeAnalysis;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Yaml;

/// <summary>
/// Strict reading of one YAML mapping, for every file CniBench reads (scenarios, catalogs, models): each read declares
/// its key, and <see cref="Finish"/> reports the keys nobody asked for, with the nearest known key as a hint. A key
/// whose value is null (<c>key:</c>, <c>~</c>, <c>null</c>) counts as absent. Problems are collected, never thrown.
/// </summary>
[SuppressMessage("Naming", "CA1720", Justification = "a read is named after the YAML value it expects: String, Int, Bool")]
public sealed class YamlMap
{
    private readonly YamlValue _value;
    private readonly YamlMappingNode _mapping;
    private readonly List<string> _known;

    internal YamlMap(YamlValue value, YamlMappingNode mapping, List<string>? known = null)
    {
        _value = value;
        _mapping = mapping;
        _known = known ?? [];
    }

    /// <summary>Where the mapping is written; errors about it as a whole point here.</summary>
    public YamlNode Node => _value.Node;

    /// <summary>The field path of the mapping; empty for a document's root.</summary>
    public string Path => _value.Path;

    /// <summary>
    /// The root mapping of a file that must hold exactly one YAML document; null (with the error, at its line and
    /// column) when the text is not YAML, holds another number of documents, or is not a mapping.
    /// </summary>
    public static YamlMap? Document(string yaml, string file, List<InputError> errors)
    {
        var documents = YamlText.Parse(yaml, file, errors);
        if (documents is null)
        {
            return null;
        }

        if (documents.Roots.Count != 1)
        {
            errors.Add(new InputError(file, 1, 1, $"expected exactly one YAML document, found {documents.Roots.Count}"));
            return null;
        }

        return new YamlValue(documents.Roots[0], "", file, errors).Map();
    }

    /// <summary>The same mapping, its fields named under <paramref name="path"/> (a test is named by its kind, not its index).</summary>
    public YamlMap As(string path) => new(_value.Child(_value.Node, path), _mapping, _known);

    /// <summary>Declares <paramref name="key"/>; its value, or null when absent (an error when <paramref name="required"/>).</summary>
    public YamlValue? Value(string key, bool required = false)
    {
        if (!_known.Contains(key, StringComparer.Ordinal))
        {
            _known.Add(key);
        }

        if (_mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) && !YamlValue.IsNull(value))
        {
            return _value.Child(value, _value.ChildPath(key));
        }

        if (required)
        {
            // Reported where the key belongs, under the missing key's own path.
            _value.Child(Node, _value.ChildPath(key)).ErrorHere($"missing required key '{key}'");
        }

        return null;
    }

    public string? String(string key, bool required) => Value(key, required)?.String();

    public int? Int(string key, bool required, int min, int max) => Value(key, required)?.Int(min, max);

    public bool? Bool(string key, bool required) => Value(key, required)?.Bool();

    public TEnum? Enum<TEnum>(string key, bool required, IReadOnlyDictionary<string, TEnum> names)
        where TEnum : struct, System.Enum => Value(key, required)?.Enum(names);

    public YamlMap? Map(string key, bool required) => Value(key, required)?.Map();

    public IReadOnlyList<YamlEntry>? Entries(string key, bool required) => Value(key, required)?.Entries();

    public Uri? AbsoluteUri(string key, bool required)
    {
        var value = Value(key, required);
        if (value?.String() is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            return uri;
        }

        value.Expected("an absolute http(s) URL");
        return null;
    }

    public IReadOnlyList<string>? StringList(string key, bool required) =>
        Value(key, required)?.List("a list of strings")?.Select(item => item.String()).OfType<string>().ToList();

    /// <summary>A list of mappings, each read strictly by the caller; null when absent or not a list.</summary>
    public IReadOnlyList<YamlMap>? MapList(string key, bool required) =>
        Value(key, required)?.List("a list of mappings")?.Select(item => item.Map()).OfType<YamlMap>().ToList();

    /// <summary>A flat mapping of scalar values kept as their text (Helm <c>--set</c> values, labels); keys stay in file order.</summary>
    public IReadOnlyDictionary<string, string>? ScalarMap(string key, bool required)
    {
        if (Value(key, required)?.Entries() is not { } entries)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, _, value) in entries)
        {
            if (name.Length > 0 && value.Text is { } text)
            {
                result[name] = text;
            }
            else
            {
                value.Expected("a scalar value");
            }
        }

        return result;
    }

    /// <summary>The node of a key already read, for errors about its value; the mapping's own node when it is absent.</summary>
    public YamlNode NodeOf(string key) => _mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : Node;

    /// <summary>Accepts a key whose content is read elsewhere or not at all; returns whether it is present.</summary>
    public bool Reserved(string key) => Value(key) is not null;

    /// <summary>Marks a key that is allowed only in some configurations, reporting it when present.</summary>
    public void Forbid(string key, string reason)
    {
        if (Value(key) is not null)
        {
            var keyNode = _mapping.Children.Keys.First(k => (k as YamlScalarNode)?.Value == key);
            _value.Child(keyNode, _value.ChildPath(key)).ErrorHere($"not allowed {reason}");
        }
    }

    /// <summary>A problem at <paramref name="node"/> that the message names itself (no field path in front).</summary>
    public void Error(YamlNode node, string message) => _value.Child(node, Path).Error(message);

    /// <summary>A problem with the mapping as a whole that the message names itself (no field path in front).</summary>
    public void Error(string message) => _value.Error(message);

    /// <summary>A problem with the mapping as a whole, reported under its field path.</summary>
    public void ErrorHere(string message) => _value.ErrorHere(message);

    /// <summary>A problem with the value of <paramref name="key"/>, reported under that key's field path.</summary>
    public void ErrorOn(string key, string message) => _value.Child(NodeOf(key), _value.ChildPath(key)).ErrorHere(message);

    /// <summary>Reports every key that no read declared, suggesting the nearest declared one.</summary>
    public void Finish()
    {
        foreach (var key in _mapping.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (_known.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            var nearest = _known.MinBy(k => EditDistance(k, name));
            var hint = nearest is not null && EditDistance(nearest, name) <= 3 ? $" (did you mean '{nearest}'?)" : "";
            var expected = _known.Count == 0 ? "this mapping takes no keys" : $"expected one of: {string.Join(", ", _known)}";
            _value.Child(key, _value.ChildPath(name)).ErrorHere($"unknown key '{name}'{hint}; {expected}");
        }
    }

    /// <summary>Levenshtein distance ignoring case, so that a key typed in the wrong case is suggested too.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
