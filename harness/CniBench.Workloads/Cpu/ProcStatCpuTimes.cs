using System.Globalization;

namespace CniBench.Workloads.Cpu;

/// <summary>The aggregate <c>cpu</c> line of /proc/stat, in clock ticks (USER_HZ) since boot.</summary>
public sealed record ProcStatCpuTimes(
    long User,
    long Nice,
    long System,
    long Idle,
    long Iowait,
    long Irq,
    long Softirq,
    long Steal)
{
    /// <summary>
    /// All time the CPUs existed. Guest and guest_nice are left out on purpose: the kernel already counts
    /// them inside user and nice.
    /// </summary>
    public long Total => User + Nice + System + Idle + Iowait + Irq + Softirq + Steal;

    /// <summary>Reads the first line starting with <c>cpu </c>; null when there is none or it is malformed.</summary>
    public static ProcStatCpuTimes? Parse(string procStat)
    {
        ArgumentNullException.ThrowIfNull(procStat);
        foreach (var line in procStat.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                continue;
            }

            return ParseFields(line[4..].ToString());
        }

        return null;
    }

    private static ProcStatCpuTimes? ParseFields(string fields)
    {
        var parts = fields.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Kernels before 2.6 had only four columns; later ones append columns, so missing ones are zero.
        if (parts.Length < 4)
        {
            return null;
        }

        var values = new long[8];
        for (var i = 0; i < values.Length && i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }

        return new ProcStatCpuTimes(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
    }
}
