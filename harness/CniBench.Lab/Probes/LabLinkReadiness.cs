using System.Text.Json;
using CniBench.Core.Processes;

namespace CniBench.Lab.Probes;

/// <summary>
/// Waits until every link a lab brought up is operationally up. The kernel activates a new link's queue only
/// when its link watcher processes the carrier change, up to a second after <c>ip link set up</c> returned; a
/// packet sent before that is dropped, so a probe round on a fresh lab would report time-outs that no policy
/// caused. Waiting on the kernel's own operstate makes that visible instead of retrying probes.
/// </summary>
public static class LabLinkReadiness
{
    private const int Parallelism = 8;

    /// <summary>Polls <c>ip -j link</c> in every namespace of the lab until all admin-up links are up, or throws after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> WaitAsync(IReadOnlyList<string> namespaces, IProcessRunner host, TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var pending = namespaces.ToList();
        var lastWaiting = new List<string>();
        while (true)
        {
            var waiting = new List<string>[pending.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, pending.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, token) => waiting[i] = await LinksNotUpAsync(pending[i], host, token));
            lastWaiting = [.. waiting.SelectMany(w => w)];
            pending = [.. pending.Where((_, i) => waiting[i].Count > 0)];
            if (pending.Count == 0)
            {
                return time.GetElapsedTime(started);
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"lab links not up after {timeout.TotalSeconds:0.#} s: {string.Join(", ", lastWaiting.Take(10))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
        }
    }

    /// <summary>The links of one namespace that are administratively up but not yet operationally up, as <c>ns:link(state)</c>.</summary>
    internal static List<string> ParseLinksNotUp(string ns, string ipJson)
    {
        var notUp = new List<string>();
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(ipJson) ? "[]" : ipJson);
        foreach (var link in document.RootElement.EnumerateArray())
        {
            var adminUp = link.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "UP");
            var state = link.TryGetProperty("operstate", out var operstate) ? operstate.GetString() : null;
            // UNKNOWN is what drivers without carrier reporting (lo, vxlan) settle at once they are up.
            if (adminUp && state is not ("UP" or "UNKNOWN"))
            {
                notUp.Add($"{ns}:{link.GetProperty("ifname").GetString()}({state})");
            }
        }

        return notUp;
    }

    private static async Task<List<string>> LinksNotUpAsync(string ns, IProcessRunner host, CancellationToken cancellationToken)
    {
        var result = await host.RunAsync(new ProcessSpec("ip", ["-j", "-n", ns, "link", "show"]) { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken);
        return result.Succeeded
            ? ParseLinksNotUp(ns, result.StandardOutput)
            : throw new InvalidOperationException($"ip -n {ns} link show failed: {result.StandardError.Trim()}");
    }
}
