using System.Globalization;
using System.Net;

namespace CniBench.NetworkPolicy.Model;

/// <summary>
/// The model of the upstream Kubernetes e2e netpol suite: namespaces x, y, z, pods a, b, c in each,
/// every pod serving TCP and UDP on 80 and 81 and SCTP on 80 under upstream's port names (serve-80-tcp, …, serve-80-sctp).
/// </summary>
public static class DefaultModel
{
    public static readonly IReadOnlyList<string> NamespaceNames = ["x", "y", "z"];
    public static readonly IReadOnlyList<string> PodNames = ["a", "b", "c"];
    public static readonly IReadOnlyList<int> ServedPorts = [80, 81];
    public static readonly IReadOnlyList<NetpolProtocol> ServedProtocols = [NetpolProtocol.Tcp, NetpolProtocol.Udp];

    /// <summary>
    /// The 9-pod model with the addresses the lab gives it on 3 nodes (<see cref="Addressing.ReferencePlacement"/>: x/a
    /// 198.19.1.2, x/b 198.19.2.2, …), so the oracle's tables here, in <c>netpol expect</c> and in the lab agree.
    /// </summary>
    public static ClusterModel Create()
    {
        var upstream = Create(NamespaceNames, PodNames, ServedPorts, ServedProtocols);
        var sctp = new ContainerPortModel(PortName(SctpPort, NetpolProtocol.Sctp), SctpPort, NetpolProtocol.Sctp);
        var model = new ClusterModel(upstream.Namespaces, [.. upstream.Pods.Select(p => p with { Ports = [.. p.Ports, sctp] })]);
        return Addressing.ReferencePlacement.Place(model).Model;
    }

    /// <summary>
    /// Every pod also serves SCTP on this port (upstream's SCTP model does the same), so the SCTP case is probed where
    /// the kernel has SCTP; where it has not, those cells are recorded unsupported with the reason.
    /// </summary>
    public const int SctpPort = 80;

    /// <summary>An upstream-shaped model of any size (used by benchmarks and property tests).</summary>
    public static ClusterModel Create(
        IReadOnlyList<string> namespaceNames,
        IReadOnlyList<string> podNames,
        IReadOnlyList<int> ports,
        IReadOnlyList<NetpolProtocol> protocols)
    {
        ArgumentNullException.ThrowIfNull(namespaceNames);
        ArgumentNullException.ThrowIfNull(podNames);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(namespaceNames.Count, 254, nameof(namespaceNames));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(podNames.Count, 240, nameof(podNames));
        var containerPorts = ports
            .SelectMany(port => protocols.Select(protocol => new ContainerPortModel(PortName(port, protocol), port, protocol)))
            .ToArray();
        var namespaces = namespaceNames.Select(NamespaceWithStandardLabels).ToArray();
        var pods = new List<PodModel>();
        for (var n = 0; n < namespaceNames.Count; n++)
        {
            for (var p = 0; p < podNames.Count; p++)
            {
                var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["pod"] = podNames[p] };
                var ip = new IPAddress([198, 19, (byte)(n + 1), (byte)(p + 11)]);
                pods.Add(new PodModel(namespaceNames[n], podNames[p], labels, ip, containerPorts));
            }
        }

        return new ClusterModel(namespaces, pods);
    }

    /// <summary>Upstream's container port name: serve-&lt;port&gt;-&lt;protocol in lower case&gt;.</summary>
    public static string PortName(int port, NetpolProtocol protocol) =>
        "serve-" + port.ToString(CultureInfo.InvariantCulture) + "-" + protocol.ToWire().ToLowerInvariant();

    /// <summary>
    /// Labels ns=&lt;name&gt; (cyclonus and the 2021 upstream suite) and kubernetes.io/metadata.name=&lt;name&gt;
    /// (set by the API server on every namespace since 1.21).
    /// </summary>
    public static NamespaceModel NamespaceWithStandardLabels(string name) => new(
        name,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ns"] = name,
            [MetadataNameLabel] = name,
        });

    public const string MetadataNameLabel = "kubernetes.io/metadata.name";
}
