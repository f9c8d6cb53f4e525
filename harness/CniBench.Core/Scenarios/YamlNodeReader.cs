using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Scenarios;

/// <summary>
/// Reads typed values out of YamlDotNet's node tree, recording an error with file:line:column for
/// everything that is not of the expected shape instead of stopping at the first one.
/// </summary>
internal sealed class YamlNodeReader(string file)
{
    /// <summary>The scenario file being read, as given (for resolving paths it names).</summary>
    public string File => file;

    private readonly List<ScenarioError> _errors = [];

    public IReadOnlyList<ScenarioError> Errors => _errors;

    public void Error(YamlNode node, string message) =>
        _errors.Add(new ScenarioError(file, (int)node.Start.Line, (int)node.Start.Column, message));

    public void Error(string message) => _errors.Add(new ScenarioError(file, 0, 0, message));

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(node, $"{what} must be a mapping of key: value lines");
        return null;
    }

    /// <summary>Flags every key of <paramref name="map"/> not in <paramref name="allowed"/>, suggesting the nearest.</summary>
    public void CheckKeys(YamlMappingNode map, string context, IReadOnlyList<string> allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (allowed.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            var nearest = allowed.MinBy(a => EditDistance(a, name));
            var hint = nearest is not null && EditDistance(nearest, name) <= 3 ? $" (did you mean '{nearest}'?)" : "";
            Error(key, $"unknown key '{name}' in {context}{hint}; expected one of: {string.Join(", ", allowed)}");
        }
    }

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? String(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Error(node, $"{what} must be a non-empty text value");
        return null;
    }

    public int? Int(YamlNode node, string what, int min, int max)
    {
        if (node is YamlScalarNode { Value: { } text }
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        Error(node, $"{what} must be a whole number from {min} to {max}, not '{Describe(node)}'");
        return null;
    }

    public bool? Bool(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } && bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(node, $"{what} must be true or false, not '{Describe(node)}'");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string what, TimeSpan min, TimeSpan max)
    {
        if (node is YamlScalarNode { Value: { } text } && Quantities.TryParseDuration(text, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(node, $"{what} must be a duration from {min.TotalSeconds:0.###}s to {max.TotalSeconds:0.###}s such as 10s, 500ms or 2m, not '{Describe(node)}'");
        return null;
    }

    /// <summary>A list, or a single scalar taken as a one-element list (so "streams: 4" works).</summary>
    public IReadOnlyList<YamlNode> List(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlSequenceNode sequence when sequence.Children.Count > 0:
                return [.. sequence.Children];
            case YamlScalarNode:
                return [node];
            default:
                Error(node, $"{what} must be a value or a non-empty list such as [a, b]");
                return [];
        }
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

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
