using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace CniBench.TestSupport.Kubernetes;

/// <summary>
/// What <c>cnibench doctor --context</c> reads: SelfSubjectAccessReviews (allowed unless denied here), node taints,
/// DaemonSets by namespace (to recognise a CNI), metrics-server's APIService, and the kubelet's image pull failures.
/// </summary>
public sealed partial class FakeKubeApiServer
{
    private readonly ConcurrentDictionary<string, bool> _denied = new(StringComparer.Ordinal);
    private readonly List<V1DaemonSet> _daemonSets = [];

    /// <summary>Images the kubelet cannot pull, with the waiting reason it reports (ErrImagePull, ImagePullBackOff, ...).</summary>
    public ConcurrentDictionary<string, string> ImagePullFailures { get; } = new(StringComparer.Ordinal);

    /// <summary>True registers metrics-server's APIService (Available).</summary>
    public bool MetricsServer { get; set; }

    /// <summary>Every access review asked: "verb resource[/subresource] [namespace]".</summary>
    public ConcurrentQueue<string> AccessReviews { get; } = new();

    /// <summary>
    /// Denies <paramref name="verb"/> on <paramref name="resource"/> (<c>pods</c>, <c>pods/exec</c>, <c>nodes/proxy</c>),
    /// in every namespace, or only in <paramref name="ns"/>.
    /// </summary>
    public void Deny(string verb, string resource, string? ns = null) => _denied[$"{verb} {resource} {ns}"] = true;

    public void AddTaint(string node, string key, string effect, string? value = null)
    {
        var found = Nodes.Single(n => n.Metadata.Name == node);
        found.Spec ??= new V1NodeSpec();
        found.Spec.Taints = [.. found.Spec.Taints ?? [], new V1Taint { Key = key, Effect = effect, Value = value }];
    }

    /// <summary>A DaemonSet (e.g. a CNI's agent, <c>kube-flannel/kube-flannel-ds</c>) the cluster runs.</summary>
    public void AddDaemonSet(string ns, string name)
    {
        lock (_gate)
        {
            _daemonSets.Add(new V1DaemonSet { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns } });
        }
    }

    private async Task<bool> ServePreflightAsync(HttpContext http, string method, string[] parts)
    {
        switch (method, parts)
        {
            case ("POST", ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"]):
                await ReviewAccessAsync(http);
                return true;
            case ("GET", ["apis", "apps", "v1", "namespaces", var ns, "daemonsets"]):
                await WriteJsonAsync(http, new V1DaemonSetList { Items = [.. Snapshot(_daemonSets).Where(d => d.Metadata.NamespaceProperty == ns)] });
                return true;
            case ("GET", ["apis", "apiregistration.k8s.io", "v1", "apiservices", var name]):
                await (MetricsServer && name == "v1beta1.metrics.k8s.io"
                    ? WriteJsonAsync(http, new V1APIService
                    {
                        Metadata = new V1ObjectMeta { Name = name },
                        Spec = new V1APIServiceSpec { Group = "metrics.k8s.io", Version = "v1beta1", GroupPriorityMinimum = 100, VersionPriority = 100 },
                        Status = new V1APIServiceStatus { Conditions = [new V1APIServiceCondition { Type = "Available", Status = "True" }] },
                    })
                    : WriteStatusAsync(http, HttpStatusCode.NotFound, $"apiservices.apiregistration.k8s.io \"{name}\" not found"));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Answers as the API server's authorizer would for the kubeconfig's user: allowed unless <see cref="Deny"/> said otherwise.</summary>
    private async Task ReviewAccessAsync(HttpContext http)
    {
        var review = KubernetesJson.Deserialize<V1SelfSubjectAccessReview>(await ReadBodyAsync(http));
        var attributes = review.Spec.ResourceAttributes;
        var resource = attributes.Subresource is { Length: > 0 } sub ? $"{attributes.Resource}/{sub}" : attributes.Resource;
        AccessReviews.Enqueue($"{attributes.Verb} {resource} {attributes.NamespaceProperty}".TrimEnd());
        var denied = _denied.ContainsKey($"{attributes.Verb} {resource} ") || _denied.ContainsKey($"{attributes.Verb} {resource} {attributes.NamespaceProperty}");
        review.Status = new V1SubjectAccessReviewStatus
        {
            Allowed = !denied,
            Reason = denied ? "no RBAC policy matched" : "allowed by the fake's ClusterRoleBinding",
        };
        http.Response.StatusCode = 201;
        await WriteJsonAsync(http, review);
    }

    /// <summary>
    /// The kubelet's view of a pod whose image it cannot pull: Pending, with the container waiting on the reason and
    /// the registry's message; null when every image is there.
    /// </summary>
    private V1PodStatus? PullFailedStatus(V1Pod pod)
    {
        var containers = pod.Spec?.Containers ?? [];
        if (!containers.Any(c => c.Image is not null && ImagePullFailures.ContainsKey(c.Image)))
        {
            return null;
        }

        return new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }],
            ContainerStatuses = [.. containers.Select(c => ImagePullFailures.TryGetValue(c.Image ?? "", out var reason)
                ? new V1ContainerStatus
                {
                    Name = c.Name, Image = c.Image, ImageID = "", Ready = false, RestartCount = 0,
                    State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = $"failed to pull image \"{c.Image}\": not found" } },
                }
                : new V1ContainerStatus
                {
                    Name = c.Name, Image = c.Image, ImageID = $"sha256:{c.Name}", Ready = false, RestartCount = 0,
                    State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } },
                })],
        };
    }
}
