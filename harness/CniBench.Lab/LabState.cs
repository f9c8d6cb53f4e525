using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniBench.Lab;

/// <summary>
/// What a lab owns and who owns it, written to <c>/run/cnibench/labs/&lt;lab&gt;.json</c> before the first
/// namespace exists, so a crash at any point leaves enough for a sweep to clean up.
/// </summary>
public sealed record LabState
{
    public required string Lab { get; init; }

    public required string Cni { get; init; }

    public required int OwnerPid { get; init; }

    /// <summary>The owner's start time in clock ticks since boot (/proc/&lt;pid&gt;/stat field 22), against PID reuse.</summary>
    public required long OwnerStartTicks { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Made by <c>lab up</c>: outlives its process and is never swept, only taken down.</summary>
    public bool Persistent { get; init; }

    public required IReadOnlyList<string> Namespaces { get; init; }

    [JsonIgnore]
    public ProcessIdentity Owner => new(OwnerPid, OwnerStartTicks);
}

/// <summary>Reads and writes <see cref="LabState"/> files in one directory.</summary>
public sealed class LabStateStore(string directory)
{
    public const string DefaultDirectory = "/run/cnibench/labs";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = directory;

    public string PathOf(string lab) => Path.Combine(Directory, lab + ".json");

    public async Task WriteAsync(LabState state, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(state.Lab);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(state, Json), cancellationToken);
        // Rename is atomic: a sweep never reads half a file.
        File.Move(temporary, path, overwrite: true);
    }

    public void Delete(string lab)
    {
        File.Delete(PathOf(lab));
    }

    /// <summary>All states; a file that cannot be read is returned as a problem, not thrown.</summary>
    public IReadOnlyList<(string Lab, LabState? State, string? Problem)> ReadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var result = new List<(string, LabState?, string?)>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            var lab = Path.GetFileNameWithoutExtension(file);
            try
            {
                var state = JsonSerializer.Deserialize<LabState>(File.ReadAllText(file), Json);
                result.Add((lab, state, state is null ? "empty state file" : null));
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                result.Add((lab, null, $"unreadable state file {file}: {ex.Message}"));
            }
        }

        return result;
    }
}
