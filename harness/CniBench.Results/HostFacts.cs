using System.Globalization;

namespace CniBench.Results;

/// <summary>The machine a run measured on, as recorded in run.json.</summary>
public sealed record HostFacts
{
    public string Hostname { get; init; } = "";

    /// <summary>From /proc/sys/kernel/osrelease, e.g. <c>6.18.0-1-amd64</c>.</summary>
    public string KernelRelease { get; init; } = "";

    /// <summary>PRETTY_NAME from /etc/os-release.</summary>
    public string Os { get; init; } = "";

    public string CpuModel { get; init; } = "";

    public int LogicalCores { get; init; }

    /// <summary>MemTotal from /proc/meminfo, in bytes.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Reads this host's facts; a file that is missing or unreadable leaves its field empty rather than failing the run.</summary>
    public static HostFacts Collect() => new()
    {
        Hostname = Environment.MachineName,
        KernelRelease = ReadOrEmpty("/proc/sys/kernel/osrelease").Trim(),
        Os = ParseOsPrettyName(ReadOrEmpty("/etc/os-release")) ?? "",
        CpuModel = ParseCpuModel(ReadOrEmpty("/proc/cpuinfo")) ?? "",
        LogicalCores = Environment.ProcessorCount,
        MemoryBytes = ParseMemTotalBytes(ReadOrEmpty("/proc/meminfo")) ?? 0,
    };

    /// <summary>PRETTY_NAME of an os-release file, unquoted (the format allows double, single or no quotes).</summary>
    public static string? ParseOsPrettyName(string osRelease)
    {
        foreach (var line in Lines(osRelease))
        {
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                var value = line["PRETTY_NAME=".Length..].Trim();
                if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
                {
                    value = value[1..^1];
                }

                return value;
            }
        }

        return null;
    }

    /// <summary>The first "model name" of /proc/cpuinfo (x86); falls back to "Model"/"Hardware" (ARM).</summary>
    public static string? ParseCpuModel(string cpuinfo)
    {
        string? fallback = null;
        foreach (var line in Lines(cpuinfo))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "model name" && value.Length > 0)
            {
                return value;
            }

            if (fallback is null && (key == "Model" || key == "Hardware") && value.Length > 0)
            {
                fallback = value;
            }
        }

        return fallback;
    }

    /// <summary>MemTotal of /proc/meminfo, which the kernel states in KiB ("kB").</summary>
    public static long? ParseMemTotalBytes(string meminfo)
    {
        foreach (var line in Lines(meminfo))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return null;
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
