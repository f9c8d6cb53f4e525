using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Yaml;

/// <summary>
/// One value of a YAML file and the path that names it (<c>lab.mtu</c>, <c>tests[0]</c>). Each read expects one
/// type; a value of another type adds an <see cref="InputError"/> at the value, naming its path, and reads as null.
/// Errors are collected, never thrown, so that one pass reports every problem of a file.
/// </summary>
[SuppressMessage("Naming", "CA1720", Justification = "a read is named after the YAML value it expects: String, Int, Bool")]
public sealed class YamlValue
{
    private readonly string _file;
    private readonly List<InputError> _errors;

    /// <summary>False for a value given on the command line: its errors name the option, with no line or column.</summary>
    private readonly bool _located;

    internal YamlValue(YamlNode node, string path, string file, List<InputError> errors, bool located = true)
    {
        Node = node;
        Path = path;
        _file = file;
        _errors = errors;
        _located = located;
    }

    /// <summary>
    /// A command-line value standing in for a file's value at <paramref name="path"/> (<c>--duration</c> for
    /// <c>tcp.duration</c>): read and checked by the same rules, its errors located at <paramref name="option"/>.
    /// </summary>
    public static YamlValue Option(string option, string path, YamlNode node, List<InputError> errors) =>
        new(node, path, option, errors, located: false);

    public YamlNode Node { get; }

    /// <summary>The field path of the value; empty for a document's root.</summary>
    public string Path { get; }

    /// <summary>The text of a scalar, null for a list or a mapping: for values with a grammar of their own.</summary>
    public string? Text => (Node as YamlScalarNode)?.Value;

    public string? String()
    {
        if (Node is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value))
        {
            return scalar.Value;
        }

        Expected("a non-empty string");
        return null;
    }

    public int? Int(int min, int max) => Scalar(
        string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"),
        text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : (int?)null);

    /// <summary>
    /// The booleans of the YAML 1.2 core schema: true, True, TRUE, false, False, FALSE, and nothing else, so that
    /// neither YAML 1.1's yes/no/on/off nor a typo such as tru turns into a value. Quoting is not checked: a quoted
    /// "true" reads as true rather than failing with a message that would quote the very word it expects.
    /// </summary>
    public bool? Bool() => Scalar("true or false", text => text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => (bool?)null,
    });

    public TEnum? Enum<TEnum>(IReadOnlyDictionary<string, TEnum> names)
        where TEnum : struct, System.Enum =>
        Scalar($"one of {string.Join(" | ", names.Keys)}", text => names.TryGetValue(text, out var value) ? value : (TEnum?)null);

    /// <summary>A scalar that <paramref name="parse"/> turns into a value (null when it cannot), else "expected <paramref name="expected"/>".</summary>
    public T? Scalar<T>(string expected, Func<string, T?> parse)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (Node is YamlScalarNode { Value: { } text } && parse(text) is { } value)
        {
            return value;
        }

        Expected(expected);
        return null;
    }

    /// <summary>The mapping, read strictly; a null value (<c>key:</c> with nothing after it) is an empty mapping.</summary>
    public YamlMap? Map()
    {
        switch (Node)
        {
            case YamlMappingNode mapping:
                return new YamlMap(this, mapping);
            case YamlScalarNode scalar when IsNull(scalar):
                return new YamlMap(this, new YamlMappingNode());
            default:
                Expected("a mapping");
                return null;
        }
    }

    /// <summary>The items of a list, each named <c>path[i]</c>; null (with "expected <paramref name="expected"/>") for anything else.</summary>
    public IReadOnlyList<YamlValue>? List(string expected = "a list")
    {
        if (Node is YamlSequenceNode sequence)
        {
            return [.. sequence.Children.Select((item, i) => Child(item, string.Create(CultureInfo.InvariantCulture, $"{Path}[{i}]")))];
        }

        Expected(expected);
        return null;
    }

    /// <summary>A non-empty list, or one scalar taken as a list of itself (so that <c>streams: 4</c> reads as <c>[4]</c>).</summary>
    public IReadOnlyList<YamlValue> Items()
    {
        switch (Node)
        {
            case YamlSequenceNode { Children.Count: > 0 }:
                return List()!;
            case YamlScalarNode:
                return [this];
            default:
                Expected("a value or a non-empty list such as [a, b]");
                return [];
        }
    }

    /// <summary>The entries of a mapping whose keys are names (namespaces, pods, clusters), each named <c>path.key</c>.</summary>
    public IReadOnlyList<YamlEntry>? Entries()
    {
        if (Node is not YamlMappingNode mapping)
        {
            Expected("a mapping of name: value");
            return null;
        }

        return [.. mapping.Children.Select(entry =>
        {
            var name = (entry.Key as YamlScalarNode)?.Value ?? "";
            var path = ChildPath(name);
            return new YamlEntry(name, Child(entry.Key, path), Child(entry.Value, path));
        })];
    }

    /// <summary>A problem with this value that the message names itself (no field path in front).</summary>
    public void Error(string message) => _errors.Add(Located(message, ""));

    /// <summary>A problem with this value, reported under its field path.</summary>
    public void ErrorHere(string message) => _errors.Add(Located(message, Path));

    /// <summary>"expected <paramref name="what"/>, found …" under this value's field path.</summary>
    public void Expected(string what) => ErrorHere($"expected {what}, found {Describe(Node)}");

    internal YamlValue Child(YamlNode node, string path) => new(node, path, _file, _errors, _located);

    private InputError Located(string message, string field) =>
        _located ? InputError.At(_file, Node.Start, message, field) : new InputError(_file, 0, 0, message) { Field = field };

    internal string ChildPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The null of the YAML 1.2 core schema (empty, ~, null, Null, NULL), written plain: a quoted "null" is text.</summary>
    internal static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };
}

/// <summary>One entry of a mapping keyed by names: the name, its key (for errors about the name) and its value.</summary>
public sealed record YamlEntry(string Name, YamlValue Key, YamlValue Value);
