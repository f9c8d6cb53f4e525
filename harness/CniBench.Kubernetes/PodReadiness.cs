using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>Waits, with a watch, until every pod in a namespace is Ready; a timeout says what it waited for and why.</summary>
internal static class PodReadiness
{
    private const int MaxWatchRestarts = 100;

    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static async Task WaitAsync(IKubernetes client, string cluster, string ns, int expectedPods, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var pods = new Dictionary<string, V1Pod>(StringComparer.Ordinal);
        try
        {
            var list = await KubeErrors.GuardAsync(() => client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: linked.Token), cluster, $"listing pods in namespace {ns}");
            foreach (var pod in list.Items)
            {
                pods[pod.Metadata.Name] = pod;
            }

            // A watch may end (server-side timeout, proxy); restart it a bounded number of times until the deadline.
            for (var restart = 0; !AllReady(pods, expectedPods) && restart < MaxWatchRestarts; restart++)
            {
                await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, cancellationToken: linked.Token))
                {
                    if (type == WatchEventType.Deleted)
                    {
                        pods.Remove(pod.Metadata.Name);
                    }
                    else if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        pods[pod.Metadata.Name] = pod;
                    }

                    if (AllReady(pods, expectedPods))
                    {
                        return;
                    }
                }
            }

            if (!AllReady(pods, expectedPods))
            {
                throw new KubeOperationException($"the pod watch on cluster '{cluster}' kept ending ({MaxWatchRestarts} times) before the pods in namespace {ns} were Ready");
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(await TimeoutMessageAsync(client, ns, expectedPods, timeout, pods.Values));
        }
        catch (Exception ex) when (ex is not OperationCanceledException && KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, cluster, $"watching pods in namespace {ns}"), ex);
        }
    }

    private static bool AllReady(Dictionary<string, V1Pod> pods, int expected) =>
        pods.Count >= expected && pods.Values.All(IsReady);

    private static async Task<string> TimeoutMessageAsync(IKubernetes client, string ns, int expected, TimeSpan timeout, IEnumerable<V1Pod> lastSeen)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"pods in namespace {ns} were not all Ready after {timeout.TotalSeconds:0.#} s (waited for {expected} pods to be Ready)"));
        IEnumerable<V1Pod> pods = lastSeen;
        IEnumerable<Corev1Event> events = [];
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            pods = (await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: grace.Token)).Items;
            events = (await client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: grace.Token)).Items;
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException)
        {
            // The diagnosis is best effort: the last state the watch saw is still worth showing.
        }

        text.Append("; pods: ").Append(string.Join(", ", pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).Select(Describe)));
        var last = events
            .OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue)
            .TakeLast(5)
            .Select(e => $"{e.InvolvedObject?.Name}: {e.Reason} {e.Message}".Trim())
            .ToList();
        text.Append("; last events: ").Append(last.Count == 0 ? "(none)" : string.Join(" | ", last));
        return text.ToString();
    }

    private static string Describe(V1Pod pod)
    {
        var phase = pod.Status?.Phase ?? "Unknown";
        var waiting = pod.Status?.ContainerStatuses?.Select(c => c.State?.Waiting?.Reason).FirstOrDefault(r => r is not null);
        return waiting is null ? $"{pod.Metadata.Name} {phase}" : $"{pod.Metadata.Name} {phase} ({waiting})";
    }
}
