using System.Text.Json;

namespace CniBench.Results;

/// <summary>Writes and reads run.json (indented, camelCase). Written at the start of a run and again at its end.</summary>
public static class RunInfoStore
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Replaces run.json atomically (write to a temporary file, then rename), so a crash never leaves half a file.</summary>
    /// <returns>The full path of run.json.</returns>
    public static async Task<string> WriteAsync(string runDirectory, RunInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(runDirectory);
        var path = Path.Join(runDirectory, RunFolder.RunJson);
        var temporary = path + ".tmp";
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, info, Options, cancellationToken);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    public static async Task<RunInfo> ReadAsync(string runDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Join(runDirectory, RunFolder.RunJson);
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync<RunInfo>(stream, Options, cancellationToken)
                ?? throw new InvalidDataException($"{path} is empty");
        }
    }
}
