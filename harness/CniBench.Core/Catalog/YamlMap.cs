using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Catalog;

/// <summary>
/// Strict reading of one YAML mapping: every read declares a key, and <see cref="Finish"/> reports
/// the keys nobody asked for. Problems are collected, never thrown, so a file reports all of them at once.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly string _path;
    private readonly List<CatalogError> _errors;
    private readonly List<string> _known = [];

    private YamlMap(YamlMappingNode node, string file, string path, List<CatalogError> errors)
    {
        _node = node;
        _file = file;
        _path = path;
        _errors = errors;
    }

    public YamlNode Node => _node;

    /// <summary>
    /// The root mapping of a catalog file that must hold exactly one YAML document; null (with the error, at its
    /// line and column) when the text is not YAML, holds another number of documents, or is not a mapping.
    /// </summary>
    public static YamlMap? Document(string yaml, string file, List<CatalogError> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            errors.Add(new CatalogError(file, ex.Start.Line, ex.Start.Column, $"invalid YAML: {ex.Message}"));
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            errors.Add(new CatalogError(file, 1, 1, $"expected exactly one YAML document, found {stream.Documents.Count}"));
            return null;
        }

        return From(stream.Documents[0].RootNode, file, "", errors);
    }

    /// <summary>The mapping, or null (with an error) when <paramref name="node"/> is something else.</summary>
    public static YamlMap? From(YamlNode node, string file, string path, List<CatalogError> errors)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlMap(mapping, file, path, errors);
        }

        errors.Add(At(file, node, $"{Describe(path)}: expected a mapping, found {Kind(node)}"));
        return null;
    }

    public string? String(string key, bool required)
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value))
        {
            return scalar.Value;
        }

        Error(value, $"{Describe(Child(key))}: expected a non-empty string, found {Kind(value)}");
        return null;
    }

    public int? Int(string key, bool required, int min, int max)
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is YamlScalarNode scalar
            && int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            && number >= min && number <= max)
        {
            return number;
        }

        Error(value, $"{Describe(Child(key))}: expected an integer from {min} to {max}, found {Show(value)}");
        return null;
    }

    public bool? Bool(string key, bool required)
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is YamlScalarNode { Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        Error(value, $"{Describe(Child(key))}: expected true or false, found {Show(value)}");
        return null;
    }

    public TEnum? Enum<TEnum>(string key, bool required, IReadOnlyDictionary<string, TEnum> names)
        where TEnum : struct, System.Enum
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is YamlScalarNode scalar && scalar.Value is not null && names.TryGetValue(scalar.Value, out var result))
        {
            return result;
        }

        Error(value, $"{Describe(Child(key))}: expected one of {string.Join(" | ", names.Keys)}, found {Show(value)}");
        return null;
    }

    public Uri? AbsoluteUri(string key, bool required)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            return uri;
        }

        Error(_node.Children[new YamlScalarNode(key)], $"{Describe(Child(key))}: expected an absolute http(s) URL, found '{text}'");
        return null;
    }

    public IReadOnlyList<string>? StringList(string key, bool required)
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is not YamlSequenceNode sequence)
        {
            Error(value, $"{Describe(Child(key))}: expected a list of strings, found {Kind(value)}");
            return null;
        }

        var items = new List<string>();
        foreach (var item in sequence)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } text })
            {
                items.Add(text);
            }
            else
            {
                Error(item, $"{Describe(Child(key))}: expected a non-empty string item, found {Kind(item)}");
            }
        }

        return items;
    }

    /// <summary>A list of mappings, each read strictly by the caller; null when absent or not a list.</summary>
    public IReadOnlyList<YamlMap>? MapList(string key, bool required)
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is not YamlSequenceNode sequence)
        {
            Error(value, $"{Describe(Child(key))}: expected a list of mappings, found {Kind(value)}");
            return null;
        }

        var items = new List<YamlMap>();
        var index = 0;
        foreach (var item in sequence)
        {
            var map = From(item, _file, $"{Child(key)}[{index.ToString(CultureInfo.InvariantCulture)}]", _errors);
            if (map is not null)
            {
                items.Add(map);
            }

            index++;
        }

        return items;
    }

    /// <summary>A flat mapping of scalar values kept as their text (Helm <c>--set</c> values); keys stay in file order.</summary>
    public IReadOnlyDictionary<string, string>? ScalarMap(string key, bool required)
    {
        var value = Get(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is not YamlMappingNode mapping)
        {
            Error(value, $"{Describe(Child(key))}: expected a mapping of key: value, found {Kind(value)}");
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: { Length: > 0 } name } && v is YamlScalarNode { Value: { } text })
            {
                result[name] = text;
            }
            else
            {
                Error(v, $"{Describe(Child(key))}: expected scalar key: value pairs, found {Kind(v)}");
            }
        }

        return result;
    }

    /// <summary>The node of a key already read, for errors about its value.</summary>
    public YamlNode NodeOf(string key) => _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : _node;

    public YamlMap? Map(string key, bool required)
    {
        var value = Get(key, required);
        return value is null ? null : From(value, _file, Child(key), _errors);
    }

    /// <summary>Accepts a key whose content a later issue will define; returns whether it is present.</summary>
    public bool Reserved(string key) => Get(key, required: false) is not null;

    /// <summary>Marks a key that is allowed only in some configurations, reporting it when present.</summary>
    public void Forbid(string key, string reason)
    {
        var value = Get(key, required: false);
        if (value is not null)
        {
            Error(KeyNode(key)!, $"{Describe(Child(key))}: not allowed {reason}");
        }
    }

    public void Error(YamlNode node, string message) => _errors.Add(At(_file, node, message));

    public void ErrorHere(string message) => _errors.Add(At(_file, _node, $"{Describe(_path)}: {message}"));

    /// <summary>Reports every key that no read declared.</summary>
    public void Finish()
    {
        foreach (var key in _node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!_known.Contains(name, StringComparer.Ordinal))
            {
                var expected = _known.Count == 0 ? "no keys" : string.Join(", ", _known);
                Error(key, $"{Describe(Child(name))}: unknown key '{name}' (expected one of: {expected})");
            }
        }
    }

    private YamlNode? Get(string key, bool required)
    {
        if (!_known.Contains(key, StringComparer.Ordinal))
        {
            _known.Add(key);
        }

        if (_node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            && !(value is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" }))
        {
            return value;
        }

        if (required)
        {
            ErrorHere($"missing required key '{key}'");
        }

        return null;
    }

    private YamlNode? KeyNode(string key) =>
        _node.Children.Keys.FirstOrDefault(k => (k as YamlScalarNode)?.Value == key);

    private string Child(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private static string Describe(string path) => path.Length == 0 ? "(document)" : path;

    internal static CatalogError At(string file, YamlNode node, string message) =>
        new(file, node.Start.Line, node.Start.Column, message);

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };

    private static string Show(YamlNode node) => Kind(node);
}
