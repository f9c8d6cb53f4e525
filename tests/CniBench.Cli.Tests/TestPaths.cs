namespace CniBench.Cli.Tests;

/// <summary>Where the checkout and the built CLI are, found from the test binary rather than the working folder.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ManifestsDirectory => Path.Combine(RepositoryRoot, "manifests", "cni");

    /// <summary>The CLI's own assembly: the project reference copies it (with its runtimeconfig and deps) next to the tests.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "cnibench.dll");

    /// <summary>The dotnet host by absolute path, so a test can hand the CLI a PATH without it.</summary>
    public static string Dotnet { get; } = CniBench.Processes.ToolPackages.Which("dotnet") ?? "/usr/bin/dotnet";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no CniBench.sln above {AppContext.BaseDirectory}");
    }
}
