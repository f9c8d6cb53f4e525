using System.Globalization;

namespace CniBench.Lab;

/// <summary>
/// A process identified by PID and start time (field 22 of /proc/&lt;pid&gt;/stat, clock ticks since boot),
/// so a recycled PID is not mistaken for the original owner.
/// </summary>
public sealed record ProcessIdentity(int Pid, long StartTicks)
{
    public static ProcessIdentity Current { get; } = Of(Environment.ProcessId)
        ?? throw new InvalidOperationException("cannot read /proc/self/stat");

    /// <summary>The identity of a running process, or null if there is none with that PID.</summary>
    public static ProcessIdentity? Of(int pid)
    {
        var stat = ReadStat(pid);
        return stat is null ? null : new ProcessIdentity(pid, stat.Value.StartTicks);
    }

    /// <summary>True when the same process (PID and start time) still runs and is not a zombie.</summary>
    public bool IsAlive()
    {
        var stat = ReadStat(Pid);
        return stat is { } s && s.StartTicks == StartTicks && s.State != 'Z';
    }

    internal static bool IsZombie(int pid) => ReadStat(pid) is { State: 'Z' or 'X' };

    private static (char State, long StartTicks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may contain spaces; fields after it are plain.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (fields[0][0], start)
            : null;
    }
}
