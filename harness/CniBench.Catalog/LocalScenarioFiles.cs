using CniBench.Core.Scenarios;

namespace CniBench.Catalog;

/// <summary>The files a scenario names, read from this machine's disk (paths relative to the current folder).</summary>
public sealed class LocalScenarioFiles : IScenarioFiles
{
    private LocalScenarioFiles()
    {
    }

    public static LocalScenarioFiles Instance { get; } = new();

    public string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public IReadOnlyList<string> YamlFileStems(string directory) => Directory.Exists(directory)
        ? [.. Directory.GetFiles(directory, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
        : [];
}
