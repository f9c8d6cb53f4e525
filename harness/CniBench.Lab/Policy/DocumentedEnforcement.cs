using CniBench.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Lab.Policy;

/// <summary>
/// What a CNI really enforces of a set of policies, given the gaps its manifest documents (<c>policy.gaps</c>): the lab
/// compiles these, so its conformance table shows the CNI's documented capability rather than the full API. Each gap
/// has one effect, the one its source describes; a CNI without gaps gets the policies unchanged.
/// </summary>
public static class DocumentedEnforcement
{
    public static IReadOnlyList<V1NetworkPolicy> Effective(IReadOnlyList<V1NetworkPolicy> policies, PolicySupport support)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(support);
        if (support.Gaps.Count == 0)
        {
            return policies;
        }

        var effective = new List<V1NetworkPolicy>(policies.Count);
        foreach (var policy in policies)
        {
            // weave-npc rejects a policy with a named port "from further processing": none of its rules exist.
            if (support.Lacks(PolicyFeature.NamedPorts) && Ports(policy).Any(p => p.Port?.Value is { } value && !int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                continue;
            }

            var copy = KubernetesJson.Deserialize<V1NetworkPolicy>(KubernetesJson.Serialize(policy));

            // Fixed first, as the API server defaults them on create: dropping egress rules must not turn an egress
            // policy into an ingress-only one.
            if (copy.Spec.PolicyTypes is not { Count: > 0 })
            {
                copy.Spec.PolicyTypes = copy.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];
            }

            copy.Spec.Ingress = Rules(copy.Spec.Ingress, r => r.FromProperty, (r, peers) => r.FromProperty = peers, r => r.Ports, (r, ports) => r.Ports = ports, support);
            copy.Spec.Egress = Rules(copy.Spec.Egress, r => r.To, (r, peers) => r.To = peers, r => r.Ports, (r, ports) => r.Ports = ports, support);
            effective.Add(copy);
        }

        return effective;
    }

    private static IEnumerable<V1NetworkPolicyPort> Ports(V1NetworkPolicy policy) =>
        (policy.Spec?.Ingress ?? []).SelectMany(r => r?.Ports ?? []).Concat((policy.Spec?.Egress ?? []).SelectMany(r => r?.Ports ?? [])).OfType<V1NetworkPolicyPort>();

    /// <summary>
    /// The rules as the CNI has them. A rule whose every peer or every port the CNI cannot match is dropped, never left
    /// with an empty list: an empty <c>from</c> or <c>ports</c> means "all" in the API, the opposite of what happens.
    /// </summary>
    private static List<T>? Rules<T>(
        IList<T>? rules,
        Func<T, IList<V1NetworkPolicyPeer>?> peersOf,
        Action<T, IList<V1NetworkPolicyPeer>> setPeers,
        Func<T, IList<V1NetworkPolicyPort>?> portsOf,
        Action<T, IList<V1NetworkPolicyPort>> setPorts,
        PolicySupport support)
        where T : class
    {
        if (rules is null)
        {
            return null;
        }

        var kept = new List<T>();
        foreach (var rule in rules)
        {
            if (rule is null)
            {
                kept.Add(rule!);
                continue;
            }

            if (peersOf(rule) is { Count: > 0 } peers && support.Lacks(PolicyFeature.IpBlockPods))
            {
                // Cilium matches pod-to-pod traffic by identity; a CIDR rule never selects a Cilium-managed pod.
                var labelled = peers.Where(p => p?.IpBlock is null).ToList();
                if (labelled.Count == 0)
                {
                    continue;
                }

                setPeers(rule, labelled);
            }

            if (portsOf(rule) is { Count: > 0 } ports)
            {
                var usable = new List<V1NetworkPolicyPort>();
                foreach (var port in ports)
                {
                    if (port is not null && support.Lacks(PolicyFeature.Sctp) && port.Protocol == "SCTP")
                    {
                        continue;
                    }

                    if (port is not null && support.Lacks(PolicyFeature.EndPort))
                    {
                        port.EndPort = null;
                    }

                    usable.Add(port!);
                }

                if (usable.Count == 0)
                {
                    continue;
                }

                setPorts(rule, usable);
            }

            kept.Add(rule);
        }

        return kept;
    }
}
