using System.Diagnostics;
using CniBench.Core.Processes;

namespace CniBench.Lab;

/// <summary>
/// Removes namespaces: kills every process inside them first (a live process would keep a deleted
/// namespace and its links alive), then deletes them in one forced batch. Idempotent: missing
/// namespaces are skipped. It takes no caller token on purpose: cleanup after a cancelled run must finish.
/// </summary>
internal static class LabTeardown
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(3);

    public static async Task RemoveAsync(IProcessRunner runner, IReadOnlyCollection<string> namespaces, TimeProvider time)
    {
        var existing = namespaces.Where(NetnsTable.Exists).ToList();
        if (existing.Count == 0)
        {
            RemoveWireGuardSockets(namespaces);
            return;
        }

        await KillProcessesAsync(existing, time);
        // A killed wireguard-go leaves its control socket behind; its name follows from the namespace's.
        RemoveWireGuardSockets(namespaces);
        var result = await BatchRunner.RunAsync(runner, LabScript.Down(existing), CancellationToken.None);
        var left = existing.Where(NetnsTable.Exists).ToList();
        if (left.Count > 0)
        {
            throw new LabCommandException($"could not delete namespaces {string.Join(", ", left)}: {result.StandardError.Trim()}");
        }
    }

    private static void RemoveWireGuardSockets(IEnumerable<string> namespaces) =>
        LabWireGuard.RemoveLeftovers(namespaces.Select(LabNames.WireGuardDevice), keyDirectory: null);

    private static async Task KillProcessesAsync(IReadOnlyCollection<string> namespaces, TimeProvider time)
    {
        var deadline = time.GetTimestamp();
        var pids = NetnsTable.Processes(namespaces).Values.SelectMany(p => p).ToList();
        if (pids.Count == 0)
        {
            return;
        }

        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        // Bounded wait until none is left running; a zombie awaiting its parent's wait() counts as gone.
        while (time.GetElapsedTime(deadline) < KillWait && NetnsTable.Processes(namespaces).Count > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, CancellationToken.None);
        }
    }
}
