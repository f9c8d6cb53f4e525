namespace CniBench.Core.Clusters;

/// <summary>
/// What a scenario's <c>cnis:</c> entry names: a CNI in its default mode (<c>calico</c>) or in one of the
/// variants its manifest offers (<c>calico+wireguard</c>, <c>flannel+host-gw</c>). The text form is what
/// results record in their <c>cni</c> column, so a variant compares like any other datapath.
/// </summary>
public sealed record ClusterId(string Cni, string? Variant = null)
{
    public const char Separator = '+';

    public static ClusterId Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var at = text.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? new ClusterId(text) : new ClusterId(text[..at], text[(at + 1)..]);
    }

    public override string ToString() => Variant is null ? Cni : $"{Cni}{Separator}{Variant}";
}
