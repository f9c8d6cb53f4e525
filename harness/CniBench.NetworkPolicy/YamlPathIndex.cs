using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.NetworkPolicy;

/// <summary>
/// Maps field paths (<c>spec.ingress[0].ports[1]</c>) to where they are written, so that errors found on
/// the typed object can still point at a line and column, and the other way round for parser errors.
/// </summary>
internal sealed class YamlPathIndex
{
    private readonly Dictionary<string, Mark> _marksByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<(long Line, long Column), string> _pathsByMark = [];

    public YamlPathIndex(YamlNode root)
    {
        Visit(root, string.Empty, root.Start);
    }

    public Mark Root => _marksByPath[string.Empty];

    /// <summary>The mark of the path, or of its closest written ancestor (a missing field is reported at its parent).</summary>
    public Mark Find(string path)
    {
        for (var current = path; ; current = Parent(current))
        {
            if (_marksByPath.TryGetValue(current, out var mark))
            {
                return mark;
            }

            if (current.Length == 0)
            {
                return Root;
            }
        }
    }

    public string? PathAt(Mark mark) => _pathsByMark.GetValueOrDefault((mark.Line, mark.Column));

    private void Visit(YamlNode node, string path, Mark keyMark)
    {
        _marksByPath[path] = keyMark;
        // Visits go from outer to inner, so a mark shared by a value and its first key names the inner field.
        _pathsByMark[(node.Start.Line, node.Start.Column)] = path;
        _pathsByMark[(keyMark.Line, keyMark.Column)] = path;
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode scalar ? scalar.Value ?? string.Empty : key.ToString();
                    Visit(value, path.Length == 0 ? name : path + "." + name, key.Start);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    var item = sequence.Children[i];
                    Visit(item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", item.Start);
                }

                break;
        }
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? string.Empty : path[..cut];
    }
}
