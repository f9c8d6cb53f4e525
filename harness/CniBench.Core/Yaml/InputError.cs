using System.Globalization;
using YamlDotNet.Core;

namespace CniBench.Core.Yaml;

/// <summary>
/// One problem in what a user gave CniBench (a scenario, a catalog entry, a policy or model file, an option), located
/// so that an editor can jump to it: file, 1-based line and column (0 when the problem has no place in the text), and,
/// where the problem is about one field, that field's path (<c>lab.mtu</c>, <c>spec.ingress[0].ports[1].endPort</c>).
/// </summary>
public sealed record InputError(string File, int Line, int Column, string Message)
{
    /// <summary>The path of the field at fault; empty when the message is about the file, an option or a place.</summary>
    public string Field { get; init; } = "";

    public static InputError At(string file, Mark mark, string message, string field = "") =>
        new(file, (int)mark.Line, (int)mark.Column, message) { Field = field };

    public override string ToString()
    {
        var where = Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
        return Field.Length > 0 ? $"{where}: {Field}: {Message}" : $"{where}: {Message}";
    }
}
