namespace CniBench.Cli;

/// <summary>Finds the data folders (manifests/, scenarios/) whether run from the checkout or from the build output.</summary>
public static class RepoPaths
{
    public static string ManifestsCni(string? explicitPath = null) => explicitPath ?? Path.Combine(Root(), "manifests", "cni");

    /// <summary>The ingress controller catalog beside the CNI manifests (<c>manifests/ingress</c>).</summary>
    public static string ManifestsIngress(string cniManifests) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cniManifests).TrimEnd(Path.DirectorySeparatorChar)) ?? Root(), "ingress");

    /// <summary>The current folder when it is a checkout, else the checkout the binary was built in.</summary>
    public static string Root()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "manifests", "cni")))
                {
                    return dir.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
