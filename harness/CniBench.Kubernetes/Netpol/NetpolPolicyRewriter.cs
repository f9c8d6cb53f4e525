using CniBench.Kubernetes.Workloads;
using CniBench.NetworkPolicy.Model;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Netpol;

/// <summary>
/// Moves policies written against the model (namespace <c>x</c>) onto a run's real namespaces (<c>&lt;run-ns&gt;-x</c>).
/// The <c>ns=x</c> label is set on the real namespaces as in the model, so only the namespace itself and selectors on
/// <c>kubernetes.io/metadata.name</c> (which the API server sets to the real name) change.
/// </summary>
public static class NetpolPolicyRewriter
{
    /// <summary>A rewritten copy of <paramref name="policy"/>; the input is left untouched.</summary>
    /// <param name="modelNamespaces">The model's namespace names (x, y, z); only these are rewritten.</param>
    public static V1NetworkPolicy Rewrite(V1NetworkPolicy policy, string runNamespace, string runId, IReadOnlyCollection<string> modelNamespaces)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(runNamespace);
        ArgumentNullException.ThrowIfNull(modelNamespaces);
        var name = policy.Metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("a NetworkPolicy has no metadata.name", nameof(policy));
        }

        var ns = policy.Metadata!.NamespaceProperty;
        if (ns is null || !modelNamespaces.Contains(ns))
        {
            throw new ArgumentException($"NetworkPolicy {name} is in namespace '{ns ?? "(none)"}', which is not a namespace of the model ({string.Join(", ", modelNamespaces)})", nameof(policy));
        }

        string Map(string value) => modelNamespaces.Contains(value) ? WorkloadNames.NetpolNamespace(runNamespace, value) : value;

        var copy = KubernetesJson.Deserialize<V1NetworkPolicy>(KubernetesJson.Serialize(policy));
        copy.ApiVersion = "networking.k8s.io/v1";
        copy.Kind = "NetworkPolicy";

        // Only what the policy says travels: server-owned fields from wherever it was read would make the apply fail.
        copy.Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Map(ns),
            Labels = new Dictionary<string, string>(policy.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                [KubeLabels.Run] = KubeLabels.LabelValue(runId),
            },
            Annotations = policy.Metadata.Annotations,
        };

        var peers = (copy.Spec?.Ingress ?? []).SelectMany(r => r.FromProperty ?? [])
            .Concat((copy.Spec?.Egress ?? []).SelectMany(r => r.To ?? []));
        foreach (var selector in peers.Select(p => p.NamespaceSelector).OfType<V1LabelSelector>())
        {
            if (selector.MatchLabels is { } labels && labels.TryGetValue(DefaultModel.MetadataNameLabel, out var value))
            {
                labels[DefaultModel.MetadataNameLabel] = Map(value);
            }

            foreach (var expression in (selector.MatchExpressions ?? []).Where(e => e.Key == DefaultModel.MetadataNameLabel && e.Values is not null))
            {
                expression.Values = [.. expression.Values.Select(Map)];
            }
        }

        return copy;
    }
}
