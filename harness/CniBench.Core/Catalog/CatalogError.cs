namespace CniBench.Core.Catalog;

/// <summary>One problem in a catalog file, located so an editor can jump to it.</summary>
public sealed record CatalogError(string File, long Line, long Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>Every problem found while loading a catalog, not just the first.</summary>
public sealed class CatalogException : Exception
{
    public CatalogException(IReadOnlyList<CatalogError> errors)
        : this(errors, "CNI catalog")
    {
    }

    /// <summary><paramref name="catalog"/> names the catalog in the message, e.g. "ingress catalog".</summary>
    public CatalogException(IReadOnlyList<CatalogError> errors, string catalog)
        : base(Format(errors, catalog))
    {
        Errors = errors;
        Catalog = catalog;
    }

    public IReadOnlyList<CatalogError> Errors { get; }

    /// <summary>Which catalog the errors are in ("CNI catalog", "ingress catalog").</summary>
    public string Catalog { get; }

    private static string Format(IReadOnlyList<CatalogError> errors, string catalog) =>
        $"{errors.Count} error(s) in the {catalog}:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
