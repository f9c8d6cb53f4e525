using System.Globalization;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using k8s.Models;

namespace CniBench.Lab.Policy;

/// <summary>A rule's ports entry: a number or range, a container port name, or (no port) every port of the protocol.</summary>
internal sealed record ResolvedPort(NetpolProtocol Protocol, int? First, int? Last, string? Name);

/// <summary>A rule with its peers resolved to addresses (null: any peer) and its ports (null: any port, any protocol).</summary>
internal sealed record ResolvedRule(string Path, AddressSet? Peers, IReadOnlyList<ResolvedPort>? Ports);

/// <summary>A NetworkPolicy with selectors resolved against the model's labels and ipBlocks turned into address ranges.</summary>
internal sealed class ResolvedPolicy
{
    private readonly string _namespace;
    private readonly V1LabelSelector _podSelector;
    private readonly bool _ingress;
    private readonly bool _egress;

    private ResolvedPolicy(string ns, string id, V1LabelSelector podSelector, bool ingress, bool egress, IReadOnlyList<ResolvedRule> ingressRules, IReadOnlyList<ResolvedRule> egressRules)
    {
        _namespace = ns;
        Id = id;
        _podSelector = podSelector;
        _ingress = ingress;
        _egress = egress;
        Ingress = ingressRules;
        Egress = egressRules;
    }

    public string Id { get; }

    public IReadOnlyList<ResolvedRule> Ingress { get; }

    public IReadOnlyList<ResolvedRule> Egress { get; }

    public bool Affects(Direction direction) => direction == Direction.Ingress ? _ingress : _egress;

    public bool Selects(PodModel pod) => pod.Namespace == _namespace && LabelSelectorMatcher.Matches(_podSelector, pod.Labels);

    public static ResolvedPolicy Resolve(V1NetworkPolicy policy, ClusterModel model)
    {
        var ns = policy.Metadata.NamespaceProperty;
        var spec = policy.Spec;
        // As the API server defaults policyTypes: Ingress always, Egress as well when egress rules exist.
        var types = spec.PolicyTypes is { Count: > 0 } explicitTypes
            ? explicitTypes
            : spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : (IList<string>)["Ingress"];
        var ingress = (spec.Ingress ?? [])
            .Select((rule, i) => ResolveRule($"ingress[{I(i)}]", rule?.FromProperty, rule?.Ports, ns, model))
            .ToList();
        var egress = (spec.Egress ?? [])
            .Select((rule, i) => ResolveRule($"egress[{I(i)}]", rule?.To, rule?.Ports, ns, model))
            .ToList();
        return new ResolvedPolicy(
            ns,
            ns + "/" + policy.Metadata.Name,
            spec.PodSelector ?? new V1LabelSelector(),
            types.Contains("Ingress"),
            types.Contains("Egress"),
            ingress,
            egress);
    }

    private static ResolvedRule ResolveRule(string path, IList<V1NetworkPolicyPeer>? peers, IList<V1NetworkPolicyPort>? ports, string ns, ClusterModel model)
    {
        AddressSet? addresses = null;
        if (peers is { Count: > 0 })
        {
            addresses = new AddressSet();
            foreach (var peer in peers)
            {
                addresses.UnionWith(PeerAddresses(peer, ns, model));
            }
        }

        // A null entry (YAML "- ~") is an empty port: TCP, every port, as the API server defaults it.
        var resolvedPorts = ports is { Count: > 0 } ? ports.Select(p => ResolvePort(p ?? new V1NetworkPolicyPort())).ToList() : null;
        return new ResolvedRule(path, addresses, resolvedPorts);
    }

    private static AddressSet PeerAddresses(V1NetworkPolicyPeer peer, string policyNamespace, ClusterModel model)
    {
        var addresses = new AddressSet();
        if (peer.IpBlock is { } block)
        {
            addresses.Add(AddressRange.ParseCidr(block.Cidr));
            foreach (var except in block.Except ?? [])
            {
                addresses.Remove(AddressRange.ParseCidr(except));
            }

            return addresses;
        }

        // podSelector alone: the policy's namespace; namespaceSelector alone: all pods there; both: AND.
        var namespaces = peer.NamespaceSelector is { } namespaceSelector
            ? model.Namespaces.Where(n => LabelSelectorMatcher.Matches(namespaceSelector, n.Labels)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal)
            : [policyNamespace];
        var podSelector = peer.PodSelector ?? new V1LabelSelector();
        foreach (var pod in model.Pods)
        {
            if (pod.Ip is not null && namespaces.Contains(pod.Namespace) && LabelSelectorMatcher.Matches(podSelector, pod.Labels))
            {
                addresses.Add(AddressRange.Single(pod.Ip));
            }
        }

        return addresses;
    }

    private static ResolvedPort ResolvePort(V1NetworkPolicyPort port)
    {
        // Validated before resolution: an unknown protocol never gets here.
        var protocol = port.Protocol is not null && NetpolProtocols.TryParse(port.Protocol, out var named) ? named : NetpolProtocol.Tcp;

        var value = port.Port?.Value;
        if (value is null)
        {
            return new ResolvedPort(protocol, null, null, null);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new ResolvedPort(protocol, number, port.EndPort ?? number, null)
            : new ResolvedPort(protocol, null, null, value);
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
