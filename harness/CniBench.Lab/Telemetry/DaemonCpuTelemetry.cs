using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;

namespace CniBench.Lab.Telemetry;

/// <summary>
/// CPU of the long-lived processes inside the lab's node namespaces (wireguard-go, which carries the userspace
/// WireGuard datapath) over a measurement window, so a datapath's CPU cost counts the daemon that does its work and
/// not the rest of a shared host. Processes alive at both ends of the window count; the tools themselves start after
/// it opens and report their own CPU. Never throws except when cancelled: an unreadable process table is unsupported.
/// </summary>
public sealed class DaemonCpuTelemetry(IReadOnlyList<string> nodeNamespaces, IProcessRunner host, TimeProvider time, string procRoot = "/proc")
{
    /// <summary>/proc/&lt;pid&gt;/stat counts in USER_HZ ticks, 100 on every mainstream architecture.</summary>
    private const int TicksPerSecond = 100;

    public async Task<ITelemetryWindow> BeginAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pids = new List<int>();
            foreach (var ns in nodeNamespaces)
            {
                var listed = await host.RunAsync(new ProcessSpec("ip", ["netns", "pids", ns]) { Timeout = TimeSpan.FromSeconds(5) }, cancellationToken);
                if (!listed.Succeeded)
                {
                    return new Failed($"ip netns pids {ns} exited with {listed.ExitCode.ToString(CultureInfo.InvariantCulture)}: {listed.StandardError.Trim()}");
                }

                pids.AddRange(ParsePids(listed.StandardOutput));
            }

            return new Window(this, Read(pids), Now);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Failed(error.Message);
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();

    public static IEnumerable<int> ParsePids(string output) =>
        (output ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : -1)
            .Where(pid => pid > 0);

    /// <summary>utime + stime (fields 14 and 15) of /proc/&lt;pid&gt;/stat, after the parenthesised command name, which may hold spaces.</summary>
    public static long? CpuTicks(string stat)
    {
        var close = (stat ?? "").LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat![(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is the state (field 3), so utime (field 14) is fields[11] and stime fields[12].
        return fields.Length > 12
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? user + system
            : null;
    }

    private Dictionary<int, long> Read(IEnumerable<int> pids)
    {
        var ticks = new Dictionary<int, long>();
        foreach (var pid in pids)
        {
            try
            {
                if (CpuTicks(File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"))) is { } t)
                {
                    ticks[pid] = t;
                }
            }
            catch (IOException)
            {
                // Exited since it was listed: it cannot be charged over the window.
            }
        }

        return ticks;
    }

    private sealed class Window(DaemonCpuTelemetry owner, Dictionary<int, long> before, DateTimeOffset start) : ITelemetryWindow
    {
        public Task<TelemetryResult> EndAsync(CancellationToken cancellationToken)
        {
            var after = owner.Read(before.Keys);
            var wall = (owner.Now - start).TotalSeconds;
            var ticks = after.Sum(p => p.Value - before[p.Key]);
            var percent = wall > 0 ? 100.0 * ticks / TicksPerSecond / wall : 0;
            return Task.FromResult(new TelemetryResult([new Observation(Metrics.DaemonCpuPercent, percent, Metrics.Percent)], []));
        }
    }

    private sealed class Failed(string reason) : ITelemetryWindow
    {
        public Task<TelemetryResult> EndAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new TelemetryResult([], [new UnsupportedMetric(Metrics.DaemonCpuPercent, $"cannot read the lab's processes: {reason}")]));
    }
}
