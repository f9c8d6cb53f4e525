namespace CniBench.Results.Tests;

/// <summary>A run folder under the system temp directory, removed when the test ends.</summary>
internal sealed class TempRunDirectory : IDisposable
{
    public TempRunDirectory()
    {
        Path = Directory.CreateTempSubdirectory("cnb-results-").FullName;
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail the test that made it.
        }
    }
}
