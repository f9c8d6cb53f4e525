namespace CniBench.Catalog.Tests;

internal static class RepoPaths
{
    /// <summary>The checkout root: the first folder above the test binary that holds CniBench.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string CniManifests => Path.Combine(Root, "manifests", "cni");

    public static string IngressManifests => Path.Combine(Root, "manifests", "ingress");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CniBench.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The catalogs this checkout ships, loaded once.</summary>
internal static class ShippedCatalog
{
    private static readonly Lazy<CniCatalog> LazyCni = new(() => CniCatalog.Load(RepoPaths.CniManifests));

    public static CniCatalog Cni => LazyCni.Value;
}
