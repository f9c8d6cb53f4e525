using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>Waits, with a watch, until every pod in a namespace is Ready; a timeout says what it waited for and why.</summary>
internal static class PodReadiness
{
    private const int MaxWatchRestarts = 100;

    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>
    /// Lists, then watches from the list's resourceVersion, as client-go's reflector does
    /// (kubernetes/kubernetes staging/src/k8s.io/client-go/tools/cache/reflector.go): a watch that ends is resumed from
    /// the last resourceVersion seen (bookmarks included), so events in between, a deletion among them, are replayed;
    /// when that version is too old the server answers 410 Gone, as an ERROR event (the watch cache,
    /// staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go) or as the HTTP status, and the pods are listed
    /// afresh, which also drops a pod deleted meanwhile. Any other ERROR event fails the wait with its message.
    /// </summary>
    public static async Task WaitAsync(IKubernetes client, string cluster, string ns, int expectedPods, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var pods = new Dictionary<string, V1Pod>(StringComparer.Ordinal);
        try
        {
            var resourceVersion = await ListAsync(client, cluster, ns, pods, linked.Token);

            // A watch may end (server-side timeout, proxy); restart it a bounded number of times until the deadline.
            for (var restart = 0; !AllReady(pods, expectedPods) && restart < MaxWatchRestarts; restart++)
            {
                Exception? watchError = null;
                try
                {
                    var events = client.CoreV1.WatchListNamespacedPodAsync(
                        ns, allowWatchBookmarks: true, resourceVersion: resourceVersion, onError: e => watchError ??= e, cancellationToken: linked.Token);
                    await foreach (var (type, pod) in events)
                    {
                        resourceVersion = pod.Metadata?.ResourceVersion ?? resourceVersion;
                        if (type == WatchEventType.Deleted)
                        {
                            pods.Remove(pod.Metadata!.Name);
                        }
                        else if (type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            pods[pod.Metadata!.Name] = pod;
                        }

                        if (AllReady(pods, expectedPods))
                        {
                            return;
                        }
                    }
                }
                catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
                {
                    watchError = ex;
                }

                if (watchError is null)
                {
                    continue;
                }

                if (IsGone(watchError))
                {
                    resourceVersion = await ListAsync(client, cluster, ns, pods, linked.Token);
                    continue;
                }

                throw new KubeOperationException($"the pod watch on cluster '{cluster}' (namespace {ns}) failed: {Describe(watchError)}", watchError);
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
        catch (Exception ex) when (ex is not OperationCanceledException and not KubeOperationException && KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, cluster, $"watching pods in namespace {ns}"), ex);
        }
    }

    /// <summary>Replaces the cache with a fresh list; returns the list's resourceVersion to watch from.</summary>
    private static async Task<string?> ListAsync(IKubernetes client, string cluster, string ns, Dictionary<string, V1Pod> pods, CancellationToken cancellationToken)
    {
        var list = await KubeErrors.GuardAsync(() => client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken), cluster, $"listing pods in namespace {ns}");
        pods.Clear();
        foreach (var pod in list.Items)
        {
            pods[pod.Metadata.Name] = pod;
        }

        return list.Metadata?.ResourceVersion;
    }

    /// <summary>410 Gone (reason Expired): the resourceVersion watched from is older than the server keeps.</summary>
    private static bool IsGone(Exception error) => error switch
    {
        KubernetesException { Status.Code: 410 } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        _ => false,
    };

    private static string Describe(Exception error) => error is KubernetesException { Status: { } status }
        ? $"ERROR event {status.Code?.ToString(CultureInfo.InvariantCulture) ?? "?"} {status.Reason}: {status.Message}"
        : error.Message;

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
