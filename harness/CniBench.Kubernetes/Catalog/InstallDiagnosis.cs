using System.Globalization;
using System.Text;
using CniBench.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Catalog;

/// <summary>
/// Why a CNI install is not ready: the pods of its readiness workloads (phase, container states, restarts) and the
/// last events of their namespaces, so a timeout shows CrashLoopBackOff or ImagePullBackOff without a kubectl session.
/// </summary>
internal static class InstallDiagnosis
{
    private const int MaxPodsPerWorkload = 10;
    private const int LastEvents = 5;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>A label selector in the API's query syntax; null when the workload selects nothing.</summary>
    public static string? Selector(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }

        var terms = new List<string>();
        terms.AddRange((selector.MatchLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}"));
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var values = string.Join(",", expression.Values ?? []);
            terms.Add(expression.OperatorProperty switch
            {
                "In" => $"{expression.Key} in ({values})",
                "NotIn" => $"{expression.Key} notin ({values})",
                "Exists" => expression.Key,
                "DoesNotExist" => "!" + expression.Key,
                _ => throw new FormatException($"unknown label selector operator '{expression.OperatorProperty}'"),
            });
        }

        return terms.Count == 0 ? null : string.Join(",", terms);
    }

    /// <summary>
    /// "; pods of X: …; last events in ns: …" for the workloads that are not ready. Best effort: an API failure here
    /// is reported inline, because the timeout it explains is the error that matters.
    /// </summary>
    public static async Task<string> DescribeAsync(
        IKubernetes client, IReadOnlyList<(WorkloadRef Workload, string? Selector)> pending, TimeProvider time, CancellationToken cancellationToken)
    {
        using var grace = new CancellationTokenSource(Grace, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, grace.Token);
        var text = new StringBuilder();
        foreach (var (workload, selector) in pending)
        {
            text.Append("; pods of ").Append(workload).Append(": ");
            if (selector is null)
            {
                text.Append("(unknown: the workload was not found or selects no pods)");
                continue;
            }

            try
            {
                var pods = (await client.CoreV1.ListNamespacedPodAsync(workload.Namespace, labelSelector: selector, cancellationToken: linked.Token)).Items;
                text.Append(pods.Count == 0
                    ? "(none scheduled)"
                    : string.Join(", ", pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).Take(MaxPodsPerWorkload).Select(Describe)));
                if (pods.Count > MaxPodsPerWorkload)
                {
                    text.Append(CultureInfo.InvariantCulture, $", … {pods.Count - MaxPodsPerWorkload} more");
                }
            }
            catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                text.Append("(could not list them: ").Append(OneLine(ex.Message)).Append(')');
            }
        }

        foreach (var ns in pending.Select(p => p.Workload.Namespace).Distinct(StringComparer.Ordinal))
        {
            text.Append("; last events in ").Append(ns).Append(": ");
            try
            {
                var events = (await client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: linked.Token)).Items
                    .OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue)
                    .TakeLast(LastEvents)
                    .Select(e => OneLine($"{e.InvolvedObject?.Kind}/{e.InvolvedObject?.Name}: {e.Type} {e.Reason} {e.Message}"))
                    .ToList();
                text.Append(events.Count == 0 ? "(none)" : string.Join(" | ", events));
            }
            catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                text.Append("(could not list them: ").Append(OneLine(ex.Message)).Append(')');
            }
        }

        return text.ToString();
    }

    /// <summary>"name Phase [container state, restarts N; …]", init containers marked, so the failing one is obvious.</summary>
    public static string Describe(V1Pod pod)
    {
        var phase = pod.Status?.Phase ?? "Unknown";
        var containers = (pod.Status?.InitContainerStatuses ?? []).Select(c => Container(c, init: true))
            .Concat((pod.Status?.ContainerStatuses ?? []).Select(c => Container(c, init: false)))
            .ToList();
        return containers.Count == 0 ? $"{pod.Metadata.Name} {phase}" : $"{pod.Metadata.Name} {phase} [{string.Join("; ", containers)}]";
    }

    private static string Container(V1ContainerStatus status, bool init)
    {
        var state = status.State switch
        {
            { Waiting: { } w } => "waiting " + (w.Reason ?? "") + (w.Message is null ? "" : ": " + w.Message),
            { Terminated: { } t } => string.Create(CultureInfo.InvariantCulture, $"terminated {t.Reason} exit {t.ExitCode}"),
            { Running: not null } => status.Ready ? "running, ready" : "running, not ready",
            _ => "state unknown",
        };
        return OneLine(string.Create(CultureInfo.InvariantCulture, $"{status.Name}{(init ? " (init)" : "")} {state.Trim()}, restarts {status.RestartCount}"));
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Trim();
}
