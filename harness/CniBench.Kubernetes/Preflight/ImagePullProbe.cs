using CniBench.Core.Planning;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Preflight;

public sealed record ImagePullOptions
{
    /// <summary>How long the images may take to pull (netshoot is a few hundred MB on a slow link).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long removing the probe's namespace may take.</summary>
    public TimeSpan NamespaceGoneTimeout { get; init; } = KubeCleaner.DefaultGoneTimeout;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// The preflight's only write: a run namespace (labelled like a run's, so <c>cnibench clean</c> finds it) holding one
/// short-lived pod with a container per workload image on a node the run would use, watched until each image is
/// pulled or the kubelet reports a pull failure, then the namespace is deleted and waited for, whatever happened.
/// </summary>
public static class ImagePullProbe
{
    public const string Area = "image";

    public const string PodName = "cnb-doctor-pull";

    public const string Role = "doctor";

    /// <summary>The kubelet's waiting reasons for an image it cannot get (kubernetes/kubernetes pkg/kubelet/images/types.go).</summary>
    private static readonly HashSet<string> PullFailures = new(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable", "SignatureValidationFailed",
    };

    public static async Task<IReadOnlyList<PreflightFinding>> RunAsync(
        IKubernetes client, string cluster, string runId, string node, IReadOnlyList<string> images, ImagePullOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        var ns = KubeLabels.RunNamespace(runId);
        var findings = new List<PreflightFinding>();
        var created = false;
        try
        {
            await KubeErrors.GuardAsync(() => client.CoreV1.CreateNamespaceAsync(Namespace(ns, runId), cancellationToken: cancellationToken), cluster, $"creating the probe namespace {ns}");
            created = true;
            await ServerSideApply.ApplyAsync(client, cluster, Pod(ns, runId, node, images), ns, cancellationToken);
            findings.AddRange(await WaitForPullsAsync(client, cluster, ns, node, images, options, cancellationToken));
        }
        catch (KubeOperationException ex)
        {
            findings.Add(new PreflightFinding(Area, string.Join(", ", images), FindingLevel.Problem, $"the pull probe could not run: {ex.Message}", "see the denied permissions above; the probe needs what a run needs to create a namespace and a pod"));
        }
        finally
        {
            if (created)
            {
                findings.Add(await RemoveAsync(client, cluster, runId, ns, options));
            }
        }

        return findings;
    }

    private static async Task<IReadOnlyList<PreflightFinding>> WaitForPullsAsync(
        IKubernetes client, string cluster, string ns, string node, IReadOnlyList<string> images, ImagePullOptions options, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var start = time.GetTimestamp();
        while (true)
        {
            var pods = await KubeErrors.GuardAsync(() => client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken), cluster, $"reading the probe pod in {ns}");
            var pod = pods.Items.FirstOrDefault(p => p.Metadata.Name == PodName);
            var states = images.Select((image, i) => (Image: image, State: StateOf(pod, ContainerName(i)))).ToList();
            if (states.All(s => s.State.Decided) || time.GetElapsedTime(start) >= options.Timeout)
            {
                return [.. states.Select(s => Finding(s.Image, s.State, node, options.Timeout))];
            }

            await Task.Delay(options.PollInterval, time, cancellationToken);
        }
    }

    private static PreflightFinding Finding(string image, PullState state, string node, TimeSpan timeout)
    {
        const string Fix = "check the image name and tag, that the node reaches the registry (proxy, firewall, air gap, rate limits) and any imagePullSecret it needs; or point kubernetes.images in the scenario at a mirror";
        if (state.Pulled)
        {
            return new PreflightFinding(Area, image, FindingLevel.Ok, $"pulled on {node}");
        }

        return state.Decided
            ? new PreflightFinding(Area, image, FindingLevel.Problem, $"not pulled on {node}: {state.Detail}", Fix)
            : new PreflightFinding(Area, image, FindingLevel.Problem, $"not pulled on {node} within {timeout.TotalSeconds:0} s ({state.Detail})", Fix);
    }

    private sealed record PullState(bool Decided, bool Pulled, string Detail);

    private static PullState StateOf(V1Pod? pod, string container)
    {
        if (pod?.Status is not { } status)
        {
            return new PullState(false, false, "the pod has no status yet");
        }

        // Running or Succeeded: every container was created, so every image was there.
        if (status.Phase is "Running" or "Succeeded")
        {
            return new PullState(true, true, status.Phase);
        }

        var found = status.ContainerStatuses?.FirstOrDefault(c => c.Name == container);
        if (found?.State?.Running is not null || found?.State?.Terminated is not null || !string.IsNullOrEmpty(found?.ImageID))
        {
            return new PullState(true, true, "started");
        }

        if (found?.State?.Waiting is { } waiting && waiting.Reason is { } reason && PullFailures.Contains(reason))
        {
            return new PullState(true, false, string.IsNullOrWhiteSpace(waiting.Message) ? reason : $"{reason}: {waiting.Message}");
        }

        if (status.Phase == "Failed")
        {
            return new PullState(true, false, $"the pod failed: {status.Reason} {status.Message}".Trim());
        }

        var unscheduled = status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False");
        var detail = found?.State?.Waiting?.Reason ?? unscheduled?.Message ?? $"pod {status.Phase ?? "without a phase"}";
        return new PullState(false, false, detail);
    }

    private static string ContainerName(int index) => $"image-{index + 1}";

    private static V1Namespace Namespace(string ns, string runId) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = ns,
            Labels = new Dictionary<string, string> { [KubeLabels.Run] = KubeLabels.LabelValue(runId), [KubeLabels.Role] = Role },
        },
    };

    /// <summary>
    /// Pinned to the node by name, as the workloads are by affinity, and never restarted: the images only have to
    /// arrive, so the containers run their images' own entrypoints and may exit at once.
    /// </summary>
    private static V1Pod Pod(string ns, string runId, string node, IReadOnlyList<string> images) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = PodName,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { [KubeLabels.Run] = KubeLabels.LabelValue(runId), [KubeLabels.Role] = Role },
        },
        Spec = new V1PodSpec
        {
            NodeName = node,
            RestartPolicy = "Never",
            TerminationGracePeriodSeconds = 0,
            Containers = [.. images.Select((image, i) => new V1Container { Name = ContainerName(i), Image = image, ImagePullPolicy = "IfNotPresent" })],
        },
    };

    private static async Task<PreflightFinding> RemoveAsync(IKubernetes client, string cluster, string runId, string ns, ImagePullOptions options)
    {
        try
        {
            // Never the caller's token: the namespace goes after Ctrl-C too.
            await KubeCleaner.DeleteNamespacesAsync(client, cluster, $"{KubeLabels.Run}={KubeLabels.LabelValue(runId)}", options.NamespaceGoneTimeout, options.TimeProvider, CancellationToken.None);
            return new PreflightFinding(Area, $"namespace {ns}", FindingLevel.Ok, "the probe's namespace and pod were removed");
        }
        catch (Exception ex) when (ex is KubeOperationException or TimeoutException)
        {
            return new PreflightFinding(Area, $"namespace {ns}", FindingLevel.Problem, $"the probe's namespace was not removed: {ex.Message}", $"run 'cnibench clean --context {cluster}'");
        }
    }

    /// <summary>A run id for the probe, in the form a run's takes, so its namespace looks like and is cleaned as one.</summary>
    public static string NewRunId(TimeProvider time) => RunIds.Create(time);
}
