using System.Globalization;
using System.Text.Json;

namespace CniBench.Cli.Tests;

/// <summary>
/// What a run left on this host, read straight from /run/netns, /proc and the lab state folder, so the tests
/// judge the CLI by the kernel's view rather than by the harness's own bookkeeping.
/// </summary>
internal static class HostLabs
{
    public const string NetnsDirectory = "/run/netns";
    public const string StateDirectory = "/run/cnibench/labs";

    /// <summary>The namespaces whose names put them under a run prefix such as <c>cnb-3fa2</c>.</summary>
    public static IReadOnlyList<string> Namespaces(string runPrefix) => Under(NetnsDirectory, runPrefix);

    /// <summary>Lab state files of a run prefix (one per lab, e.g. <c>cnb-3fa2-flannel.json</c>).</summary>
    public static IReadOnlyList<string> StateFiles(string runPrefix) => Under(StateDirectory, runPrefix);

    /// <summary>State files whose owner is <paramref name="pid"/>: what a run of that process would leave behind.</summary>
    public static IReadOnlyList<string> StateFilesOwnedBy(int pid)
    {
        if (!Directory.Exists(StateDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(StateDirectory, "*.json").Where(f => OwnerOf(f) == pid)];
    }

    /// <summary>Live iperf3 processes whose network namespace is one of the run's named namespaces.</summary>
    public static IReadOnlyList<int> Iperf3Inside(string runPrefix)
    {
        var identities = NamespaceIdentities(runPrefix);
        if (identities.Count == 0)
        {
            return [];
        }

        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !IsAlive(pid, "iperf3"))
            {
                continue;
            }

            try
            {
                if (new FileInfo(Path.Combine(dir, "ns", "net")).LinkTarget is { } link && identities.Contains(link))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="pid"/> runs <paramref name="command"/> and is not a zombie (a zombie has finished).</summary>
    public static bool IsAlive(int pid, string command)
    {
        var stat = ReadOrEmpty($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return false;
        }

        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var name = stat[(open + 1)..close];
        return name == command && stat[close + 2] != 'Z';
    }

    /// <summary>The kernel identities (<c>net:[inode]</c>) of the run's namespaces, from the nsfs bind mounts that name them.</summary>
    private static HashSet<string> NamespaceIdentities(string runPrefix)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && fields[3].StartsWith("net:[", StringComparison.Ordinal)
                && fields[4].StartsWith($"{NetnsDirectory}/{runPrefix}-", StringComparison.Ordinal))
            {
                result.Add(fields[3]);
            }
        }

        return result;
    }

    private static int? OwnerOf(string stateFile)
    {
        try
        {
            using var json = JsonDocument.Parse(ReadOrEmpty(stateFile));
            return json.RootElement.TryGetProperty("ownerPid", out var owner) && owner.TryGetInt32(out var pid) ? pid : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<string> Under(string directory, string runPrefix) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>()
                .Where(n => n.StartsWith(runPrefix + "-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
            : [];

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
