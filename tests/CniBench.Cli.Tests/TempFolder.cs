namespace CniBench.Cli.Tests;

/// <summary>
/// A scratch folder under /tmp, open to every user (the not-root scenario runs the CLI as nobody), removed on dispose.
/// </summary>
internal sealed class TempFolder : IDisposable
{
    private const UnixFileMode OpenToAll = (UnixFileMode)0x1FF; // rwxrwxrwx

    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("cnibench-cli-tests-").FullName;
        File.SetUnixFileMode(Path, OpenToAll);
    }

    public string Path { get; }

    /// <summary>An empty sub-folder, open to all; a run's results land in it so the test can see everything it wrote.</summary>
    public string Folder(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, OpenToAll);
        return path;
    }

    public string WriteFile(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover folder under /tmp harms nothing, and the test's own verdict matters more.
        }
    }
}
