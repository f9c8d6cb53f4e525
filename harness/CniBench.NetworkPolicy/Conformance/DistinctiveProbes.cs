using System.Globalization;
using CniBench.NetworkPolicy.Model;
using k8s.Models;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>
/// The probes a case is about: the port/protocols its policies' <c>ports</c> name, or every probe when no rule names a
/// port. If every cell of these could not be probed (no SCTP in the kernel, a model that serves no SCTP), the case
/// tested nothing of what it is for and is reported "not tested", never "pass".
/// </summary>
public static class DistinctiveProbes
{
    public static IReadOnlySet<ProbeKey> Of(IReadOnlyList<V1NetworkPolicy> policies, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(model);
        var ports = policies
            .SelectMany(p => (p.Spec?.Ingress ?? []).SelectMany(r => r?.Ports ?? []).Concat((p.Spec?.Egress ?? []).SelectMany(r => r?.Ports ?? [])))
            .Select(p => p ?? new V1NetworkPolicyPort())
            .ToList();
        if (ports.Count == 0)
        {
            return model.Probes.ToHashSet();
        }

        var keys = new HashSet<ProbeKey>();
        foreach (var port in ports)
        {
            var protocol = port.Protocol is not null && NetpolProtocols.TryParse(port.Protocol, out var named) ? named : NetpolProtocol.Tcp;
            var value = port.Port?.Value;
            foreach (var key in model.Probes.Where(k => k.Protocol == protocol))
            {
                if (value is null
                    || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var first) && key.Port >= first && key.Port <= (port.EndPort ?? first))
                    || model.Pods.Any(p => p.Ports.Any(c => c.Name == value && c.Protocol == protocol && c.Port == key.Port)))
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }

    /// <summary>The port/protocols the case's policies name, for the "not tested" reason (e.g. "SCTP 80").</summary>
    public static string Named(IReadOnlyList<V1NetworkPolicy> policies) =>
        string.Join(", ", policies
            .SelectMany(p => (p.Spec?.Ingress ?? []).SelectMany(r => r?.Ports ?? []).Concat((p.Spec?.Egress ?? []).SelectMany(r => r?.Ports ?? [])))
            .Select(p => (p?.Protocol ?? "TCP") + (p?.Port is { } port ? " " + port.Value + (p.EndPort is { } end ? "-" + end.ToString(CultureInfo.InvariantCulture) : "") : ""))
            .Distinct(StringComparer.Ordinal));
}
