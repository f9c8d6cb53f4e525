using System.Collections.Frozen;
using System.Net;

namespace CniBench.NetworkPolicy.Model;

/// <summary>A namespace with its labels, as a NetworkPolicy namespaceSelector sees it.</summary>
public sealed record NamespaceModel(string Name, IReadOnlyDictionary<string, string> Labels);

/// <summary>A container port a pod serves; <see cref="Name"/> is what named policy ports resolve against.</summary>
public sealed record ContainerPortModel(string? Name, int Port, NetpolProtocol Protocol);

/// <summary>A pod: its labels, its IP (for ipBlock peers; may be absent) and the ports it serves.</summary>
public sealed record PodModel(
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IPAddress? Ip,
    IReadOnlyList<ContainerPortModel> Ports)
{
    /// <summary>"ns/pod", the row and column key of every truth table.</summary>
    public string Id => Namespace + "/" + Name;
}

/// <summary>One probed port and protocol: one truth table.</summary>
public sealed record ProbeKey(int Port, NetpolProtocol Protocol)
{
    public override string ToString() => Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + Protocol.ToWire();
}

/// <summary>
/// The namespaces and pods a set of policies is evaluated against. Pod order is the row/column order
/// of every truth table.
/// </summary>
public sealed class ClusterModel
{
    private readonly FrozenDictionary<string, int> _podIndex;
    private readonly FrozenDictionary<string, NamespaceModel> _namespaces;

    public ClusterModel(IReadOnlyList<NamespaceModel> namespaces, IReadOnlyList<PodModel> pods)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(pods);
        Namespaces = namespaces;
        Pods = pods;
        _namespaces = namespaces.ToFrozenDictionary(n => n.Name, StringComparer.Ordinal);
        _podIndex = pods.Select((p, i) => (p.Id, i)).ToFrozenDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!_namespaces.ContainsKey(pod.Namespace))
            {
                throw new ArgumentException($"pod {pod.Id} is in namespace '{pod.Namespace}', which the model does not declare", nameof(pods));
            }
        }

        Probes = pods.SelectMany(p => p.Ports).Select(p => new ProbeKey(p.Port, p.Protocol)).Distinct().OrderBy(p => p.Port).ThenBy(p => p.Protocol).ToArray();
    }

    public IReadOnlyList<NamespaceModel> Namespaces { get; }

    public IReadOnlyList<PodModel> Pods { get; }

    /// <summary>Every distinct port/protocol some pod serves, ordered by port then TCP, UDP, SCTP.</summary>
    public IReadOnlyList<ProbeKey> Probes { get; }

    public NamespaceModel Namespace(string name) => _namespaces[name];

    public bool TryGetPodIndex(string podId, out int index) => _podIndex.TryGetValue(podId, out index);
}
