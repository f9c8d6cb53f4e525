using CniBench.Core.Yaml;

namespace CniBench.Catalog;

/// <summary>One CNI as <c>manifests/cni/&lt;name&gt;.yaml</c> describes it. Immutable.</summary>
public sealed record CniManifest
{
    /// <summary>Lower-case identifier, equal to the file name; what scenarios name.</summary>
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required UpstreamSpec Upstream { get; init; }

    /// <summary>Where each fact of the manifest comes from (upstream documents or code paths).</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The Linux datapath the lab builds to stand for this CNI in its default mode; null when the lab has no model of it yet.</summary>
    public LabDatapathSpec? Lab { get; init; }

    public required PolicySupport Policy { get; init; }

    /// <summary>How to install the real CNI on a Kubernetes cluster; null when the catalog has no install facts for it.</summary>
    public KubernetesInstallSpec? Kubernetes { get; init; }

    /// <summary>The modes the CNI offers besides its default (encryption, other encapsulations), in file order.</summary>
    public IReadOnlyList<CniVariant> Variants { get; init; } = [];

    public CniVariant? Variant(string name) => Variants.FirstOrDefault(v => v.Name == name);

    /// <summary>Sections the schema reserves for later issues that this file has; not parsed yet (none are reserved today).</summary>
    public IReadOnlyList<string> ReservedSections { get; init; } = [];

    /// <summary>The file it was read from, for messages.</summary>
    public string SourcePath { get; init; } = "";
}

public sealed record UpstreamSpec(string Version, Uri Project)
{
    /// <summary>An <c>upstream:</c> section (version and project, both required) of a CNI or ingress catalog entry; null after an error.</summary>
    internal static UpstreamSpec? Read(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var version = map.String("version", required: true);
        var project = map.AbsoluteUri("project", required: true);
        map.Finish();
        return version is null || project is null ? null : new UpstreamSpec(version, project);
    }
}

/// <summary>
/// What the datapath enforces of a NetworkPolicy: the directions, and the features its CNI documents (or its code shows)
/// it does not enforce as the API says, each with its source. The lab's model of the CNI enforces exactly this.
/// </summary>
public sealed record PolicySupport(bool Ingress, bool Egress)
{
    public IReadOnlyList<PolicyGap> Gaps { get; init; } = [];

    public bool Lacks(PolicyFeature feature) => Gaps.Any(g => g.Feature == feature);
}

/// <summary>A NetworkPolicy feature some CNIs do not enforce as the API says; each has one documented effect.</summary>
public enum PolicyFeature
{
    /// <summary>A policy naming a port by name is rejected whole: not applied at all (weave-npc).</summary>
    NamedPorts,

    /// <summary>endPort is ignored: the rule applies to <c>port</c> alone, as the API docs say of plugins without it.</summary>
    EndPort,

    /// <summary>Rules for SCTP allow nothing (the CNI does not pass SCTP).</summary>
    Sctp,

    /// <summary>ipBlock never matches a pod's address: pod-to-pod traffic is matched by identity, not CIDR (Cilium).</summary>
    IpBlockPods,
}

/// <summary>One documented gap and where it is documented.</summary>
public sealed record PolicyGap(PolicyFeature Feature, string Source);

/// <summary>How pods attach to their node.</summary>
public enum LabAttachment
{
    /// <summary>Pod veths are ports of a per-node Linux bridge that owns the first address of the node's pod subnet.</summary>
    Bridge,

    /// <summary>Pod veths are point-to-point: /32 pod address, host side without address, one host route per pod.</summary>
    Routed,
}

/// <summary>The next hop a pod uses for the pod network.</summary>
public enum LabGateway
{
    /// <summary>The bridge address, the first address of the node's pod subnet.</summary>
    Bridge,

    /// <summary>169.254.1.1, answered by proxy ARP on the host-side veth.</summary>
    LinkLocal,
}

public enum EncapsulationType
{
    /// <summary>Nodes route each other's pod subnets via the peer's underlay address.</summary>
    None,

    /// <summary>A VXLAN device with static neighbour and FDB entries per peer.</summary>
    Vxlan,

    /// <summary>IP-in-IP (protocol 4) through one <c>ipip</c> device; each peer's pod subnet routed onlink via the peer's underlay address.</summary>
    Ipip,
}

public enum EncryptionType
{
    /// <summary>A WireGuard device per node: kernel module when present, else wireguard-go in userspace.</summary>
    WireGuard,

    /// <summary>IPsec ESP between nodes through the kernel's xfrm.</summary>
    Ipsec,
}

/// <summary>How node-to-node pod traffic is encrypted in a variant's datapath.</summary>
public sealed record LabEncryptionSpec
{
    public required EncryptionType Type { get; init; }

    /// <summary>The CNI's device name (e.g. <c>wireguard.cali</c>); the lab may need a host-unique name instead (userspace WireGuard).</summary>
    public string? Device { get; init; }

    /// <summary>UDP port the nodes listen on (WireGuard).</summary>
    public int? Port { get; init; }

    /// <summary>Bytes the encryption adds to each packet on the underlay.</summary>
    public required int OverheadBytes { get; init; }
}

public enum VariantKind
{
    /// <summary>Encrypts pod traffic between nodes.</summary>
    Encryption,

    /// <summary>Another routing or encapsulation mode (Calico IPIP, Flannel host-gw, Cilium native routing).</summary>
    Datapath,
}

/// <summary>One of a CNI's non-default modes, as a scenario names it: <c>calico+wireguard</c>.</summary>
public sealed record CniVariant
{
    public required string Name { get; init; }

    public required VariantKind Kind { get; init; }

    /// <summary>One line on what the mode is and how upstream switches it on.</summary>
    public required string Summary { get; init; }

    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The whole lab datapath in this mode (the base model with the variant's changes); null when the lab has no model of it.</summary>
    public LabDatapathSpec? Lab { get; init; }
}

public sealed record LabDatapathSpec
{
    public required LabAttachment Attachment { get; init; }

    /// <summary>Bridge device name when <see cref="Attachment"/> is <see cref="LabAttachment.Bridge"/>.</summary>
    public string? Bridge { get; init; }

    public required LabGateway Gateway { get; init; }

    public required EncapsulationSpec Encapsulation { get; init; }

    /// <summary>A fixed pod MTU; when absent the pod MTU follows the underlay: underlay MTU minus the encapsulation overhead.</summary>
    public int? Mtu { get; init; }

    /// <summary>Node-to-node encryption of pod traffic; null when the datapath sends it in the clear.</summary>
    public LabEncryptionSpec? Encryption { get; init; }

    public int PodMtu(int underlayMtu) => Mtu ?? underlayMtu - Encapsulation.OverheadBytes - (Encryption?.OverheadBytes ?? 0);
}

public sealed record EncapsulationSpec
{
    public static EncapsulationSpec None { get; } = new() { Type = EncapsulationType.None };

    public required EncapsulationType Type { get; init; }

    /// <summary>Tunnel device name, e.g. <c>flannel.1</c>.</summary>
    public string? Device { get; init; }

    /// <summary>UDP destination port of the tunnel.</summary>
    public int? Port { get; init; }

    public int? Vni { get; init; }

    /// <summary>Bytes the encapsulation adds to each packet on the underlay.</summary>
    public int OverheadBytes { get; init; }
}
