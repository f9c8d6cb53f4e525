using System.Globalization;

namespace CniBench.NetworkPolicy;

/// <summary>
/// One problem in a policy or model file: where (file, 1-based line and column, 0 when unknown),
/// which field (a path such as <c>spec.ingress[0].ports[1].endPort</c>), and what is wrong.
/// </summary>
public sealed record NetpolInputError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString()
    {
        var where = Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}")
            : File;
        return Field.Length > 0 ? $"{where}: {Field}: {Message}" : $"{where}: {Message}";
    }
}
