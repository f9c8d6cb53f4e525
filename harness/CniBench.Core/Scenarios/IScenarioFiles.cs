namespace CniBench.Core.Scenarios;

/// <summary>
/// The files a scenario names, as the loader needs to see them: the scenario file itself, the netpol suite folder
/// and its case files, the netpol model. Core reads no files; the caller passes the disk
/// (<c>CniBench.Catalog.LocalScenarioFiles</c>) or, in tests, files held in memory.
/// </summary>
public interface IScenarioFiles
{
    /// <summary>The text of the file, or null when there is no such file.</summary>
    string? ReadText(string path);

    bool FileExists(string path);

    bool DirectoryExists(string path);

    /// <summary>The names, without extension, of the <c>*.yaml</c> files in <paramref name="directory"/>; empty when there is no such folder.</summary>
    IReadOnlyList<string> YamlFileStems(string directory);
}
