namespace CniBench.NetworkPolicy.Tests;

internal static class RepoPaths
{
    /// <summary>The checkout root: the first folder above the test binary that holds CniBench.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string TestAsset(params string[] parts) => Path.Combine([Root, "tests", "testassets", "netpol", .. parts]);

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
