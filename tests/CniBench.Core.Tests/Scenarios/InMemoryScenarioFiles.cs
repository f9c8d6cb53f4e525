using CniBench.Core.Scenarios;

namespace CniBench.Core.Tests.Scenarios;

/// <summary>Scenario files held in memory: file texts by path; a folder exists when a file lies in it.</summary>
internal sealed class InMemoryScenarioFiles(IReadOnlyDictionary<string, string> files) : IScenarioFiles
{
    public static InMemoryScenarioFiles None { get; } = new(new Dictionary<string, string>());

    public string? ReadText(string path) => files.GetValueOrDefault(path);

    public bool FileExists(string path) => files.ContainsKey(path);

    public bool DirectoryExists(string path) => files.Keys.Any(f => Path.GetDirectoryName(f) == path);

    public IReadOnlyList<string> YamlFileStems(string directory) =>
    [
        .. files.Keys
            .Where(f => Path.GetDirectoryName(f) == directory && f.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Order(StringComparer.Ordinal),
    ];
}
