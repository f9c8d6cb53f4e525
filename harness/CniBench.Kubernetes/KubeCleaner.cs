using k8s;

namespace CniBench.Kubernetes;

/// <summary>Deletes what runs left behind: namespaces labelled <c>cnibench.io/run</c>, and waits until they are gone.</summary>
public static class KubeCleaner
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan DefaultGoneTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Every run's namespaces (for <c>cnibench clean</c>). Returns the names deleted.</summary>
    public static Task<IReadOnlyList<string>> CleanAsync(IKubernetes client, string cluster = "current context", TimeProvider? time = null, CancellationToken cancellationToken = default) =>
        DeleteNamespacesAsync(client, cluster, KubeLabels.Run, DefaultGoneTimeout, time ?? TimeProvider.System, cancellationToken);

    /// <summary>Namespaces matching <paramref name="labelSelector"/>; waits (bounded) until the API no longer lists them.</summary>
    public static async Task<IReadOnlyList<string>> DeleteNamespacesAsync(IKubernetes client, string cluster, string labelSelector, TimeSpan goneTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        var list = await KubeErrors.GuardAsync(() => client.CoreV1.ListNamespaceAsync(labelSelector: labelSelector, cancellationToken: cancellationToken), cluster, $"listing namespaces labelled {labelSelector}");
        var names = list.Items.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            try
            {
                await client.CoreV1.DeleteNamespaceAsync(name, propagationPolicy: "Background", cancellationToken: cancellationToken);
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response?.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Already gone: that is what was wanted.
            }
            catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
            {
                throw new KubeOperationException(KubeErrors.Describe(ex, cluster, $"deleting namespace {name}"), ex);
            }
        }

        await WaitGoneAsync(client, cluster, labelSelector, names, goneTimeout, time, cancellationToken);
        return names;
    }

    /// <summary>Waits until the named namespaces no longer exist (a Terminating one lasts until its content is gone).</summary>
    internal static async Task WaitGoneAsync(IKubernetes client, string cluster, string? labelSelector, List<string> names, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        var start = time.GetTimestamp();
        while (true)
        {
            var left = (await KubeErrors.GuardAsync(() => client.CoreV1.ListNamespaceAsync(labelSelector: labelSelector, cancellationToken: cancellationToken), cluster, "checking that namespaces are gone"))
                .Items.Select(n => n.Metadata.Name).Intersect(names, StringComparer.Ordinal).ToList();
            if (left.Count == 0)
            {
                return;
            }

            if (time.GetElapsedTime(start) >= timeout)
            {
                throw new TimeoutException($"namespaces {string.Join(", ", left)} on cluster '{cluster}' were still terminating after {timeout.TotalSeconds:0} s; check finalizers with 'kubectl get ns {left[0]} -o yaml'");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }
}
