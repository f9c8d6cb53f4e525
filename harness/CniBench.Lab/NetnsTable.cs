using System.Globalization;

namespace CniBench.Lab;

/// <summary>
/// Named network namespaces and the processes inside them, read from /run/netns, /proc/self/mountinfo
/// and /proc/&lt;pid&gt;/ns/net without starting a process (so listing and teardown stay cheap).
/// </summary>
internal static class NetnsTable
{
    public const string NetnsDirectory = "/run/netns";

    public static IReadOnlyList<string> Names(string startsWith)
    {
        if (!Directory.Exists(NetnsDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(NetnsDirectory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => n.StartsWith(startsWith, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    public static bool Exists(string name) => File.Exists(Path.Combine(NetnsDirectory, name));

    /// <summary>When the namespace's name was created (the bind-mount target's timestamp), or null if it is gone.</summary>
    public static DateTimeOffset? CreatedAt(string name)
    {
        var path = Path.Combine(NetnsDirectory, name);
        return File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Maps each named namespace to its kernel identity (<c>net:[inode]</c>), from the nsfs bind mounts
    /// `ip netns add` leaves in the mount table.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Identities()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options ... - fstype source superoptions
            var fields = line.Split(' ');
            if (fields.Length < 5 || !fields[3].StartsWith("net:[", StringComparison.Ordinal))
            {
                continue;
            }

            var mountPoint = fields[4];
            if (mountPoint.StartsWith(NetnsDirectory + "/", StringComparison.Ordinal))
            {
                result[mountPoint[(NetnsDirectory.Length + 1)..]] = fields[3];
            }
        }

        return result;
    }

    /// <summary>Live (non-zombie) processes whose network namespace is one of <paramref name="names"/>, by namespace name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> Processes(IEnumerable<string> names)
    {
        var identities = Identities();
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (identities.TryGetValue(name, out var identity))
            {
                wanted[identity] = name;
            }
        }

        var result = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return new Dictionary<string, IReadOnlyList<int>>();
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string? link;
            try
            {
                link = new FileInfo(Path.Combine(dir, "ns", "net")).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (link is not null && wanted.TryGetValue(link, out var ns) && !ProcessIdentity.IsZombie(pid))
            {
                if (!result.TryGetValue(ns, out var pids))
                {
                    result[ns] = pids = [];
                }

                pids.Add(pid);
            }
        }

        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<int>)kv.Value, StringComparer.Ordinal);
    }
}
