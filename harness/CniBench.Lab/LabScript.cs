using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Processes;

namespace CniBench.Lab;

/// <summary>
/// One <c>ip -batch -</c> (or <c>bridge -batch -</c>) invocation: its lines go on standard input, so a
/// whole namespace is configured by one process. <see cref="Namespace"/> null runs in the caller's namespace,
/// where only <c>netns add/del</c>, <c>netns exec</c> and links created directly inside lab namespaces appear.
/// </summary>
public sealed record LabBatch(string Tool, string? Namespace, IReadOnlyList<string> Lines)
{
    /// <summary>Keep going after a failed line (teardown), instead of stopping at the first one (build).</summary>
    public bool Force { get; init; }

    /// <summary>The lines carry key material: errors name the failing line's number, never its text.</summary>
    public bool Secret { get; init; }

    public IReadOnlyList<string> Arguments =>
    [
        .. Namespace is null ? [] : new[] { "-n", Namespace },
        .. Force ? ["-force"] : Array.Empty<string>(),
        "-batch",
        "-",
    ];

    public ProcessSpec ToProcessSpec(TimeSpan timeout) =>
        new(Tool, Arguments) { StandardInput = string.Join('\n', Lines) + "\n", Timeout = timeout };

    public override string ToString() => $"{Tool} {string.Join(' ', Arguments)} ({Lines.Count} lines)";
}

/// <summary>
/// The commands that build a lab, in phases: the batches of one phase are independent and may run in
/// parallel; a phase starts when the previous one has finished.
/// </summary>
public sealed record LabScript(IReadOnlyList<IReadOnlyList<LabBatch>> Phases)
{
    public const string UnderlayBridge = "br0";

    public const string Uplink = "eth0";

    public const string PodInterface = "eth0";

    /// <summary>The ipip device the kernel creates by itself in every namespace; it cannot be added, only configured.</summary>
    public const string IpipFallbackDevice = "tunl0";

    public static LabScript Up(LabBlueprint blueprint)
    {
        var phases = new List<IReadOnlyList<LabBatch>> { new[] { Global(blueprint) } };
        var perNamespace = new List<LabBatch> { Switch(blueprint) };
        perNamespace.AddRange(blueprint.Nodes.Select(node => Node(blueprint, node)));
        perNamespace.AddRange(blueprint.Pods.Select(pod => Pod(blueprint, pod)));
        phases.Add(perNamespace);

        var fdb = blueprint.Nodes.Select(node => Fdb(blueprint, node)).OfType<LabBatch>().ToList();
        if (fdb.Count > 0)
        {
            phases.Add(fdb);
        }

        return new LabScript(phases);
    }

    /// <summary>Deletes namespaces; their links go with them. Forced so one already gone does not stop the rest.</summary>
    public static LabBatch Down(IEnumerable<string> namespaces) =>
        new("ip", null, [.. namespaces.Select(ns => $"netns del {ns}")]) { Force = true };

    /// <summary>
    /// Namespaces, and every veth created directly with both ends in their final namespaces (no global
    /// names, no moving), then the sysctls per node through <c>netns exec</c> inside the same ip process.
    /// </summary>
    internal static LabBatch Global(LabBlueprint b)
    {
        var lines = new List<string>();
        lines.AddRange(b.Namespaces.Select(ns => $"netns add {ns}"));
        var underlayMtu = I(b.Shape.UnderlayMtu);
        foreach (var node in b.Nodes)
        {
            lines.Add($"link add {Uplink} netns {node.Namespace} mtu {underlayMtu} type veth peer name {SwitchPort(node)} netns {b.SwitchNamespace} mtu {underlayMtu}");
        }

        var routed = b.Model?.Attachment == LabAttachment.Routed;
        var podMtu = I(b.PodMtu);
        foreach (var pod in b.Pods)
        {
            var node = b.Nodes[pod.Node - 1];
            var hostMac = routed ? $" address {LabAddressing.RoutedHostVethMac}" : "";
            lines.Add($"link add {PodInterface} netns {pod.Namespace} mtu {podMtu} type veth peer name {pod.HostVeth} netns {node.Namespace} mtu {podMtu}{hostMac}");
        }

        foreach (var node in b.Nodes)
        {
            var settings = new List<string> { "net.ipv4.ip_forward=1" };
            if (b.Model?.Attachment == LabAttachment.Bridge)
            {
                // br_netfilter: bridged pod-to-pod packets reach the inet forward hook (where the lab's policy
                // rules live) only with these on; they are per namespace, so set them rather than trust a default.
                // kubeadm's preflight demands the same of every real node, so bridged models without policy get it too.
                settings.Add("net.bridge.bridge-nf-call-iptables=1");
                settings.Add("net.bridge.bridge-nf-call-ip6tables=1");
            }

            if (b.Model?.Gateway == LabGateway.LinkLocal)
            {
                foreach (var pod in b.Pods.Where(p => p.Node == node.Index))
                {
                    // Calico's CNI plugin: answer ARP for 169.254.1.1 from the host side, with no artificial delay.
                    settings.Add($"net.ipv4.conf.{pod.HostVeth}.proxy_arp=1");
                    settings.Add($"net.ipv4.neigh.{pod.HostVeth}.proxy_delay=0");
                    settings.Add($"net.ipv4.conf.{pod.HostVeth}.forwarding=1");
                }
            }

            lines.Add($"netns exec {node.Namespace} sysctl -q -w {string.Join(' ', settings)}");
        }

        return new LabBatch("ip", null, lines);
    }

    internal static LabBatch Switch(LabBlueprint b)
    {
        var lines = new List<string>
        {
            "link set lo up",
            $"link add {UnderlayBridge} mtu {I(b.Shape.UnderlayMtu)} type bridge",
            $"link set {UnderlayBridge} up",
        };
        lines.AddRange(b.Nodes.Select(node => $"link set {SwitchPort(node)} master {UnderlayBridge} up"));
        return new LabBatch("ip", b.SwitchNamespace, lines);
    }

    internal static LabBatch Node(LabBlueprint b, LabNodePlan node)
    {
        var lines = new List<string>
        {
            "link set lo up",
            $"addr add {node.Address}/{I(LabAddressing.UnderlayPrefixLength)} dev {Uplink}",
            $"link set {Uplink} up",
        };
        var pods = b.Pods.Where(p => p.Node == node.Index).ToList();
        var peers = b.Nodes.Where(n => n.Index != node.Index).ToList();
        var lab = b.Model;
        if (lab is null)
        {
            return new LabBatch("ip", node.Namespace, lines);
        }

        var podMtu = I(b.PodMtu);
        if (lab.Attachment == LabAttachment.Bridge)
        {
            lines.Add($"link add {lab.Bridge} mtu {podMtu} type bridge");
            lines.Add($"addr add {LabAddressing.BridgeAddress(node.Index)}/24 dev {lab.Bridge}");
            lines.Add($"link set {lab.Bridge} up");
            lines.AddRange(pods.Select(pod => $"link set {pod.HostVeth} master {lab.Bridge} up"));
        }
        else
        {
            foreach (var pod in pods)
            {
                lines.Add($"link set {pod.HostVeth} up");
                lines.Add($"route add {pod.Address}/32 dev {pod.HostVeth} scope link");
            }
        }

        if (lab.Gateway == LabGateway.LinkLocal)
        {
            // The kernel answers proxy ARP only for a target it routes out of another interface. A real
            // node reaches 169.254.1.1 through its default route; the lab has none, so that one address
            // gets a route on the uplink instead (nothing is ever sent to it: pods use it only as next hop).
            lines.Add($"route add {LabAddressing.LinkLocalGateway} dev {Uplink} scope link");
        }

        if (lab.Encapsulation.Type == EncapsulationType.Vxlan)
        {
            var vx = lab.Encapsulation;
            // The VTEP as flanneld programs it, which every VXLAN model shares (flannel, canal, and as the kernel
            // stand-in for cilium's and weave's tunnels): learning off, local = node address, MTU = pod MTU, the
            // subnet's first address as a /32; per peer an ARP entry, an FDB entry (see Fdb) and an onlink route.
            lines.Add($"link add {vx.Device} address {LabAddressing.VtepMac(node.Index)} mtu {podMtu} type vxlan id {I(vx.Vni!.Value)} local {node.Address} dev {Uplink} dstport {I(vx.Port!.Value)} nolearning");
            lines.Add($"addr add {LabAddressing.PodSubnetAddress(node.Index)}/32 dev {vx.Device}");
            lines.Add($"link set {vx.Device} up");
            foreach (var peer in peers)
            {
                var vtep = LabAddressing.PodSubnetAddress(peer.Index);
                lines.Add($"neigh add {vtep} lladdr {LabAddressing.VtepMac(peer.Index)} dev {vx.Device} nud permanent");
                lines.Add($"route add {LabAddressing.PodSubnet(peer.Index)} via {vtep} dev {vx.Device} onlink");
            }
        }
        else if (lab.Encapsulation.Type == EncapsulationType.Ipip)
        {
            // Calico's IP-in-IP: the kernel's fallback device tunl0 (it appears in every namespace once the ipip module
            // is loaded) carries the subnet's first address; each peer's pod subnet goes onlink via the peer's node address.
            var ipip = lab.Encapsulation.Device;
            if (ipip != IpipFallbackDevice)
            {
                lines.Add($"link add {ipip} type ipip local {node.Address} dev {Uplink}");
            }

            lines.Add($"link set {ipip} mtu {podMtu} up");
            lines.Add($"addr add {LabAddressing.PodSubnetAddress(node.Index)}/32 dev {ipip}");
            lines.AddRange(peers.Select(peer => $"route add {LabAddressing.PodSubnet(peer.Index)} via {peer.Address} dev {ipip} onlink"));
        }
        else if (lab.Encryption?.Type == EncryptionType.WireGuard)
        {
            // Peers' pod subnets are routed into the WireGuard device once it exists and has its keys: see WireGuardRoutes.
        }
        else
        {
            // What BGP would teach each node: a peer's pod subnet is behind the peer's underlay address.
            lines.AddRange(peers.Select(peer => $"route add {LabAddressing.PodSubnet(peer.Index)} via {peer.Address} dev {Uplink}"));
        }

        return new LabBatch("ip", node.Namespace, lines);
    }

    /// <summary>The kernel WireGuard device of a node (when the kernel has the module; otherwise wireguard-go creates it).</summary>
    public static LabBatch WireGuardDevice(LabNodePlan node) =>
        new("ip", node.Namespace, [$"link add {Device(node)} type wireguard"]);

    /// <summary>
    /// After the node's WireGuard device has its keys and peers: MTU (underlay minus overhead, the pod MTU), the
    /// subnet's first address, and each peer's pod subnet routed into the device (WireGuard picks the peer by allowed-ips).
    /// </summary>
    public static LabBatch WireGuardRoutes(LabBlueprint b, LabNodePlan node)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(node);
        var device = Device(node);
        var lines = new List<string>
        {
            $"link set {device} mtu {I(b.PodMtu)} up",
            $"addr add {LabAddressing.PodSubnetAddress(node.Index)}/32 dev {device}",
        };
        lines.AddRange(b.Nodes.Where(peer => peer.Index != node.Index).Select(peer => $"route add {LabAddressing.PodSubnet(peer.Index)} dev {device} scope link"));
        return new LabBatch("ip", node.Namespace, lines);
    }

    /// <summary>The <c>wg set</c> arguments of a node: its port and key file, and every other node as a peer. Public keys only.</summary>
    public static IReadOnlyList<string> WireGuardPeers(LabBlueprint b, LabNodePlan node, string privateKeyFile, IReadOnlyDictionary<int, string> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(publicKeys);
        var port = I(b.Model?.Encryption?.Port ?? throw new InvalidOperationException($"{b.Cni} has no WireGuard port"));
        var arguments = new List<string> { "set", Device(node), "listen-port", port, "private-key", privateKeyFile };
        foreach (var peer in b.Nodes.Where(peer => peer.Index != node.Index))
        {
            arguments.AddRange(["peer", publicKeys[peer.Index], "endpoint", $"{peer.Address}:{port}", "allowed-ips", LabAddressing.PodSubnet(peer.Index)]);
        }

        return arguments;
    }

    private static string Device(LabNodePlan node) =>
        node.WireGuardDevice ?? throw new InvalidOperationException($"node {node.Name} has no WireGuard device in this model");

    internal static LabBatch Pod(LabBlueprint b, LabPodPlan pod)
    {
        var lab = b.Model ?? throw new InvalidOperationException($"{b.Cni}: pods need a CNI with a lab datapath model");
        var lines = new List<string> { "link set lo up" };
        var gateway = lab.Gateway == LabGateway.LinkLocal ? LabAddressing.LinkLocalGateway : LabAddressing.BridgeAddress(pod.Node);
        if (lab.Gateway == LabGateway.LinkLocal)
        {
            lines.Add($"addr add {pod.Address}/32 dev {PodInterface}");
            lines.Add($"link set {PodInterface} up");
            lines.Add($"route add {LabAddressing.LinkLocalGateway} dev {PodInterface} scope link");
        }
        else
        {
            lines.Add($"addr add {pod.Address}/24 dev {PodInterface}");
            lines.Add($"link set {PodInterface} up");
        }

        lines.Add($"route add {LabAddressing.PodNetwork} via {gateway} dev {PodInterface}");

        // ClusterIPs go to the node like a real pod's default route sends them, where the kube-proxy model DNATs them.
        lines.Add($"route add {LabAddressing.ServiceNetwork} via {gateway} dev {PodInterface}");
        return new LabBatch("ip", pod.Namespace, lines);
    }

    /// <summary>The FDB entries mapping each peer's VTEP MAC to its underlay address; `bridge`, not `ip`, writes them.</summary>
    internal static LabBatch? Fdb(LabBlueprint b, LabNodePlan node)
    {
        var vx = b.Model?.Encapsulation;
        if (vx?.Type != EncapsulationType.Vxlan || b.Nodes.Count < 2)
        {
            return null;
        }

        var lines = b.Nodes
            .Where(peer => peer.Index != node.Index)
            .Select(peer => $"fdb append {LabAddressing.VtepMac(peer.Index)} dev {vx.Device} dst {peer.Address} self permanent")
            .ToList();
        return new LabBatch("bridge", node.Namespace, lines);
    }

    public static string SwitchPort(LabNodePlan node) => $"n{I(node.Index)}";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
