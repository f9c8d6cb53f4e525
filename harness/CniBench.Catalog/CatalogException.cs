using CniBench.Core.Yaml;

namespace CniBench.Catalog;

/// <summary>Every problem found while loading a catalog, not just the first.</summary>
public sealed class CatalogException : Exception
{
    public CatalogException(IReadOnlyList<InputError> errors)
        : this(errors, "CNI catalog")
    {
    }

    /// <summary><paramref name="catalog"/> names the catalog in the message, e.g. "ingress catalog".</summary>
    public CatalogException(IReadOnlyList<InputError> errors, string catalog)
        : base(Format(errors, catalog))
    {
        Errors = errors;
        Catalog = catalog;
    }

    public IReadOnlyList<InputError> Errors { get; }

    /// <summary>Which catalog the errors are in ("CNI catalog", "ingress catalog").</summary>
    public string Catalog { get; }

    private static string Format(IReadOnlyList<InputError> errors, string catalog) =>
        $"{errors.Count} error(s) in the {catalog}:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
