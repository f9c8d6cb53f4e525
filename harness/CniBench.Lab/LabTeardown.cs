using System.Diagnostics;
using CniBench.Core.Processes;

namespace CniBench.Lab;

/// <summary>
/// Everything one lab may own on this host, derived from its name and namespace names alone, so a lab can be
/// removed after a crash without any live object: namespaces (and the processes inside them), wireguard-go control
/// sockets, the WireGuard key folder and the state file.
/// </summary>
internal sealed record LabFootprint(string Lab, IReadOnlyList<string> Namespaces, string KeyDirectory, string? StateFile)
{
    public IEnumerable<string> WireGuardSockets => Namespaces.Select(LabNames.WireGuardDevice).Select(LabWireGuard.SocketPath);

    /// <summary>Host files of the lab that outlive its namespaces unless removed.</summary>
    public IEnumerable<string> Files => WireGuardSockets.Append(KeyDirectory).Concat(StateFile is null ? [] : [StateFile]);
}

/// <summary>What is left of a lab on this host; empty after a complete teardown.</summary>
public sealed record LabRemains(string Lab, IReadOnlyList<string> Namespaces, IReadOnlyList<int> Processes, IReadOnlyList<string> Files)
{
    public bool IsEmpty => Namespaces.Count == 0 && Processes.Count == 0 && Files.Count == 0;

    /// <summary>For a person: what is left and the command that removes it.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Namespaces.Count > 0)
        {
            parts.Add($"{Namespaces.Count} namespace{(Namespaces.Count == 1 ? "" : "s")} ({string.Join(", ", Namespaces.Take(3))}{(Namespaces.Count > 3 ? ", …" : "")})");
        }

        if (Processes.Count > 0)
        {
            parts.Add($"{Processes.Count} process{(Processes.Count == 1 ? "" : "es")} (pid {string.Join(", ", Processes.Take(5))})");
        }

        if (Files.Count > 0)
        {
            parts.Add($"{string.Join(", ", Files)}");
        }

        return parts.Count == 0 ? "nothing" : $"{string.Join("; ", parts)}; remove with 'cnibench lab down {Lab}'";
    }
}

/// <summary>A lab's teardown failed or left something on the host; the message names every error and what remains.</summary>
public sealed class LabTeardownException(LabRemains remains, IReadOnlyList<string> errors)
    : Exception($"tearing down {remains.Lab} {(errors.Count == 0 ? "" : $"failed ({string.Join("; ", errors)})")}{(errors.Count > 0 && !remains.IsEmpty ? " and " : "")}{(remains.IsEmpty ? "" : $"left {remains.Describe()}")}")
{
    public LabRemains Remains { get; } = remains;

    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Removes a lab: kills every process inside its namespaces (a live process would keep a deleted namespace and its
/// links alive), removes its sockets, deletes the namespaces in one forced batch, removes its keys and state file.
/// Every step runs even when an earlier one failed; then it checks that nothing is left and throws
/// <see cref="LabTeardownException"/> with every error and every remain otherwise. Idempotent. It takes no caller token
/// on purpose: cleanup after a cancelled run must finish.
/// </summary>
internal static class LabTeardown
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(3);

    /// <param name="afterKill">Steps of the lab's own objects (e.g. disposing wireguard-go handles), run once the namespaces are emptied.</param>
    public static async Task RemoveAsync(LabFootprint lab, IProcessRunner runner, TimeProvider time, IReadOnlyList<Func<ValueTask>>? afterKill = null)
    {
        var errors = new List<string>();
        var existing = lab.Namespaces.Where(NetnsTable.Exists).ToList();
        await StepAsync(errors, "killing the lab's processes", () => KillProcessesAsync(existing, time));
        foreach (var step in afterKill ?? [])
        {
            await StepAsync(errors, "stopping the lab's daemons", async () => await step());
        }

        // A killed wireguard-go leaves its control socket behind; its name follows from the namespace's.
        foreach (var socket in lab.WireGuardSockets)
        {
            Step(errors, $"removing {socket}", () => HostPaths.DeleteFile(socket));
        }

        if (existing.Count > 0)
        {
            await StepAsync(errors, "deleting namespaces", async () =>
            {
                var result = await BatchRunner.RunAsync(runner, LabScript.Down(existing), CancellationToken.None);
                if (!result.Succeeded && existing.Any(NetnsTable.Exists))
                {
                    throw new LabCommandException(result.StandardError.Trim());
                }
            });
        }

        Step(errors, $"removing {lab.KeyDirectory}", () => HostPaths.DeleteDirectory(lab.KeyDirectory));
        if (lab.StateFile is { } stateFile)
        {
            Step(errors, $"removing {stateFile}", () => HostPaths.DeleteFile(stateFile));
        }

        var remains = Inspect(lab);
        if (errors.Count > 0 || !remains.IsEmpty)
        {
            throw new LabTeardownException(remains, errors);
        }
    }

    /// <summary>What of <paramref name="lab"/> is still on the host, read without starting a process.</summary>
    public static LabRemains Inspect(LabFootprint lab)
    {
        var namespaces = lab.Namespaces.Where(NetnsTable.Exists).ToList();
        var processes = NetnsTable.Processes(namespaces).Values.SelectMany(p => p).Order().ToList();
        var files = lab.Files.Where(path => File.Exists(path) || Directory.Exists(path)).ToList();
        return new LabRemains(lab.Lab, namespaces, processes, files);
    }

    private static void Step(List<string> errors, string what, Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            errors.Add($"{what}: {ex.Message}");
        }
    }

    private static async Task StepAsync(List<string> errors, string what, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            errors.Add($"{what}: {ex.Message}");
        }
    }

    private static async Task KillProcessesAsync(List<string> namespaces, TimeProvider time)
    {
        if (namespaces.Count == 0)
        {
            return;
        }

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
