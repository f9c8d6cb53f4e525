using System.Globalization;
using CniBench.NetworkPolicy.Model;
using k8s.Models;

namespace CniBench.NetworkPolicy.Oracle;

/// <summary>One entry of a rule's ports list, resolved to what a probe can be compared with.</summary>
internal sealed record CompiledPort(string Path, NetpolProtocol Protocol, int? Port, int? EndPort, string? Name)
{
    /// <summary>
    /// A named port refers to the destination pod's container port of that name and protocol: for
    /// ingress the selected pod, for egress the peer; in both cases the pod receiving the connection.
    /// </summary>
    public bool Matches(ProbeKey probe, PodModel destination)
    {
        if (probe.Protocol != Protocol)
        {
            return false;
        }

        if (Name is not null)
        {
            foreach (var port in destination.Ports)
            {
                if (port.Port == probe.Port && port.Protocol == Protocol && port.Name == Name)
                {
                    return true;
                }
            }

            return false;
        }

        return Port is not { } first || (EndPort is { } last ? probe.Port >= first && probe.Port <= last : probe.Port == first);
    }
}

/// <summary>One peer of a rule and the model pods it admits.</summary>
internal sealed record CompiledPeer(string Path, PodSet Pods);

/// <summary>An ingress or egress rule: peers (null = any) and ports (null = all).</summary>
internal sealed class CompiledRule
{
    public CompiledRule(string path, IReadOnlyList<CompiledPeer>? peers, IReadOnlyList<CompiledPort>? ports, int podCount)
    {
        Path = path;
        Peers = peers;
        Ports = ports;
        PeerPods = PodSet.All(podCount);
        if (peers is not null)
        {
            PeerPods = new PodSet(podCount);
            foreach (var peer in peers)
            {
                PeerPods.UnionWith(peer.Pods);
            }
        }

        HasNamedPorts = ports?.Any(p => p.Name is not null) ?? false;
    }

    public string Path { get; }

    public IReadOnlyList<CompiledPeer>? Peers { get; }

    public IReadOnlyList<CompiledPort>? Ports { get; }

    public PodSet PeerPods { get; }

    /// <summary>Without named ports the port match does not depend on the destination pod.</summary>
    public bool HasNamedPorts { get; }

    public bool PortsMatch(ProbeKey probe, PodModel destination)
    {
        if (Ports is null)
        {
            return true;
        }

        foreach (var port in Ports)
        {
            if (port.Matches(probe, destination))
            {
                return true;
            }
        }

        return false;
    }

    public CompiledPort? FirstMatchingPort(ProbeKey probe, PodModel destination) =>
        Ports?.FirstOrDefault(p => p.Matches(probe, destination));
}

/// <summary>A NetworkPolicy resolved against a model: which pods it selects and whom each rule admits.</summary>
internal sealed class CompiledPolicy
{
    private CompiledPolicy(string id, PodSet selected, bool affectsIngress, bool affectsEgress, CompiledRule[] ingress, CompiledRule[] egress)
    {
        Id = id;
        Selected = selected;
        AffectsIngress = affectsIngress;
        AffectsEgress = affectsEgress;
        Ingress = ingress;
        Egress = egress;
    }

    public string Id { get; }

    public PodSet Selected { get; }

    public bool AffectsIngress { get; }

    public bool AffectsEgress { get; }

    public CompiledRule[] Ingress { get; }

    public CompiledRule[] Egress { get; }

    public string TypesText => (AffectsIngress, AffectsEgress) switch
    {
        (true, true) => "Ingress,Egress",
        (true, false) => "Ingress",
        (false, true) => "Egress",
        _ => "none",
    };

    public static CompiledPolicy Compile(V1NetworkPolicy policy, ClusterModel model, ModelIndex index)
    {
        var ns = policy.Metadata?.NamespaceProperty ?? string.Empty;
        var spec = policy.Spec ?? new V1NetworkPolicySpec();
        var count = model.Pods.Count;
        var selected = new PodSet(count);
        var podSelector = spec.PodSelector ?? new V1LabelSelector();
        foreach (var i in index.PodsIn(ns))
        {
            if (LabelSelectorMatcher.Matches(podSelector, model.Pods[i].Labels))
            {
                selected.Add(i);
            }
        }

        // Defaulting as the API server does it: Ingress always, Egress when egress rules are present.
        var types = spec.PolicyTypes is { Count: > 0 } explicitTypes
            ? explicitTypes
            : spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : (IList<string>)["Ingress"];
        var ingress = (spec.Ingress ?? [])
            .Select((rule, i) => CompileRule($"ingress[{Invariant(i)}]", "from", rule?.FromProperty, rule?.Ports, ns, model, index))
            .ToArray();
        var egress = (spec.Egress ?? [])
            .Select((rule, i) => CompileRule($"egress[{Invariant(i)}]", "to", rule?.To, rule?.Ports, ns, model, index))
            .ToArray();
        return new CompiledPolicy(
            ns + "/" + policy.Metadata?.Name,
            selected,
            types.Contains("Ingress"),
            types.Contains("Egress"),
            ingress,
            egress);
    }

    private static CompiledRule CompileRule(
        string path,
        string peersField,
        IList<V1NetworkPolicyPeer>? peers,
        IList<V1NetworkPolicyPort>? ports,
        string policyNamespace,
        ClusterModel model,
        ModelIndex index)
    {
        // An empty or missing list means "all": all peers, all ports.
        var compiledPeers = peers is { Count: > 0 }
            ? peers.Select((peer, i) => new CompiledPeer($"{path}.{peersField}[{Invariant(i)}]", PeerPods(peer, policyNamespace, model, index))).ToArray()
            : null;
        var compiledPorts = ports is { Count: > 0 }
            ? ports.Select((port, i) => CompilePort($"{path}.ports[{Invariant(i)}]", port)).ToArray()
            : null;
        return new CompiledRule(path, compiledPeers, compiledPorts, model.Pods.Count);
    }

    private static CompiledPort CompilePort(string path, V1NetworkPolicyPort port)
    {
        var protocol = NetpolProtocol.Tcp;
        if (port.Protocol is not null && !NetpolProtocols.TryParse(port.Protocol, out protocol))
        {
            throw new ArgumentException($"{path}.protocol: unknown protocol '{port.Protocol}'");
        }

        var value = port.Port?.Value;
        if (value is null)
        {
            return new CompiledPort(path, protocol, null, null, null);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new CompiledPort(path, protocol, number, port.EndPort, null)
            : new CompiledPort(path, protocol, null, null, value);
    }

    private static PodSet PeerPods(V1NetworkPolicyPeer peer, string policyNamespace, ClusterModel model, ModelIndex index)
    {
        var pods = new PodSet(model.Pods.Count);
        if (peer.IpBlock is { } block)
        {
            var cidr = ParseCidr(block.Cidr);
            var excepts = (block.Except ?? []).Select(ParseCidr).ToArray();
            for (var i = 0; i < model.Pods.Count; i++)
            {
                if (model.Pods[i].Ip is { } ip && cidr.Contains(ip) && !excepts.Any(e => e.Contains(ip)))
                {
                    pods.Add(i);
                }
            }

            return pods;
        }

        // podSelector alone: the policy's own namespace. namespaceSelector alone: every pod in the
        // matching namespaces. Both: pods matching podSelector inside the matching namespaces (AND).
        IEnumerable<string> namespaces = peer.NamespaceSelector is { } namespaceSelector
            ? model.Namespaces.Where(n => LabelSelectorMatcher.Matches(namespaceSelector, n.Labels)).Select(n => n.Name)
            : [policyNamespace];
        var podSelector = peer.PodSelector ?? new V1LabelSelector();
        foreach (var ns in namespaces)
        {
            foreach (var i in index.PodsIn(ns))
            {
                if (LabelSelectorMatcher.Matches(podSelector, model.Pods[i].Labels))
                {
                    pods.Add(i);
                }
            }
        }

        return pods;
    }

    private static Policies.Cidr ParseCidr(string text) =>
        Policies.Cidr.TryParse(text, out var cidr) ? cidr
        : Addressing.IpBlockPlaceholders.IsPlaceholder(text) ? throw new ArgumentException($"'{text}' is an ipBlock placeholder: resolve it on an address plan first (IpBlockPlaceholders.Resolve)")
        : throw new ArgumentException($"'{text}' is not a valid CIDR");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Pods grouped by namespace, built once per model.</summary>
internal sealed class ModelIndex
{
    private readonly Dictionary<string, int[]> _podsByNamespace;

    public ModelIndex(ClusterModel model)
    {
        _podsByNamespace = model.Pods
            .Select((pod, i) => (pod.Namespace, i))
            .GroupBy(t => t.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.i).ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyList<int> PodsIn(string ns) => _podsByNamespace.TryGetValue(ns, out var pods) ? pods : [];
}
