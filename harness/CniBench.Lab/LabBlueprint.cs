using System.Globalization;
using System.Net;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;

namespace CniBench.Lab;

/// <summary>
/// A lab node: its namespace and underlay address. <see cref="Index"/> counts from 1. <see cref="WireGuardDevice"/>
/// is the node's host-unique WireGuard device when the datapath encrypts with WireGuard, else null.
/// </summary>
public sealed record LabNodePlan(int Index, string Name, string Namespace, IPAddress Address, string? WireGuardDevice = null);

/// <summary>A lab pod: its namespace, address, and the name of its veth's host side in the node namespace.</summary>
public sealed record LabPodPlan(int Node, int Index, string Name, string NodeName, string Namespace, IPAddress Address, string HostVeth);

/// <summary>
/// Everything a lab will be, computed from a CNI manifest, a shape and a run prefix, before anything is
/// created: names, addresses, MTUs. Pure, so the commands rendered from it can be tested without root.
/// </summary>
public sealed record LabBlueprint
{
    public required string Lab { get; init; }

    public required string RunPrefix { get; init; }

    /// <summary>The CNI as a scenario names it (<c>calico</c>, <c>calico+wireguard</c>), or <see cref="Underlay.Name"/> for the no-CNI baseline.</summary>
    public required string Cni { get; init; }

    /// <summary>Null for the underlay baseline.</summary>
    public CniManifest? Manifest { get; init; }

    /// <summary>The variant the lab models, or null for the CNI's default mode.</summary>
    public CniVariant? Variant { get; init; }

    /// <summary>The datapath the lab builds: the variant's merged model, else the CNI's own; null for the underlay baseline.</summary>
    public LabDatapathSpec? Model => Variant?.Lab ?? Manifest?.Lab;

    public required ClusterShape Shape { get; init; }

    public required string SwitchNamespace { get; init; }

    public required IReadOnlyList<LabNodePlan> Nodes { get; init; }

    public required IReadOnlyList<LabPodPlan> Pods { get; init; }

    public required int PodMtu { get; init; }

    /// <summary>Every namespace the lab creates, switch first.</summary>
    public IReadOnlyList<string> Namespaces =>
        [SwitchNamespace, .. Nodes.Select(n => n.Namespace), .. Pods.Select(p => p.Namespace)];

    public bool IsUnderlay => Manifest is null;

    /// <summary>What the lab models, e.g. <c>lab: bridge cni0 + vxlan flannel.1 (VNI 1, port 8472), pod MTU 1450</c>.</summary>
    public string Description
    {
        get
        {
            if (Manifest is null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"lab: underlay only, {Shape.Nodes} nodes on one bridge, MTU {Shape.UnderlayMtu}, no pods");
            }

            var shape = string.Create(CultureInfo.InvariantCulture, $"{Shape.Nodes} nodes x {Shape.PodsPerNode} pods, underlay MTU {Shape.UnderlayMtu}");

            var lab = Model ?? throw new InvalidOperationException(LabProvider.NoLabModel(Cni));
            var attachment = lab.Attachment == LabAttachment.Bridge
                ? $"bridge {lab.Bridge}"
                : "routed /32 veths";
            var gateway = lab.Gateway == LabGateway.Bridge ? "bridge gateway" : $"gateway {LabAddressing.LinkLocalGateway} by proxy ARP";
            var encapsulation = lab.Encapsulation.Type switch
            {
                EncapsulationType.Vxlan => string.Create(CultureInfo.InvariantCulture, $"vxlan {lab.Encapsulation.Device} (VNI {lab.Encapsulation.Vni}, port {lab.Encapsulation.Port})"),
                EncapsulationType.Ipip => $"ipip {lab.Encapsulation.Device}",
                _ when lab.Encryption is { Type: EncryptionType.WireGuard } => "no encapsulation",
                _ => "no encapsulation (routes via peer underlay addresses)",
            };
            var encryption = lab.Encryption switch
            {
                { Type: EncryptionType.WireGuard } wg => string.Create(CultureInfo.InvariantCulture, $", wireguard (as {wg.Device}, port {wg.Port}) between nodes"),
                { Type: EncryptionType.Ipsec } => ", IPsec ESP between nodes",
                _ => "",
            };
            return string.Create(CultureInfo.InvariantCulture, $"lab: {attachment}, {gateway}, {encapsulation}{encryption}, pod MTU {PodMtu}; {shape}");
        }
    }

    /// <summary>
    /// The kernel path this lab builds, with everything left out that only names it: device and bridge names, VNI,
    /// UDP ports, addresses. Two labs with equal fingerprints run the same <see cref="LabScript"/> apart from names
    /// (same attachment, gateway, kind of tunnel, MTUs, encryption) and enforce the same policy directions, so the gap
    /// between their figures is noise. E.g.
    /// <c>nodes=3;underlay_mtu=1500;pods_per_node=2;attachment=routed;gateway=link-local;encapsulation=vxlan;pod_mtu=1450;encryption=none;policy=ingress+egress</c>.
    /// A WireGuard lab's implementation (kernel or wireguard-go) is added once its mesh is up (<see cref="LabCluster"/>).
    /// </summary>
    public string DatapathFingerprint
    {
        get
        {
            var nodes = string.Create(CultureInfo.InvariantCulture, $"nodes={Nodes.Count};underlay_mtu={Shape.UnderlayMtu}");
            if (Model is not { } lab)
            {
                return "underlay;" + nodes;
            }

            var encapsulation = lab.Encapsulation.Type switch
            {
                // The fallback device is configured, not created: no local address, so the kernel matches it last.
                EncapsulationType.Ipip when lab.Encapsulation.Device == LabScript.IpipFallbackDevice => "ipip-fallback",
                var type => type.ToString().ToLowerInvariant(),
            };
            var policy = Manifest!.Policy switch
            {
                { Ingress: true, Egress: true } => "ingress+egress",
                { Ingress: true } => "ingress",
                { Egress: true } => "egress",
                _ => "none",
            };
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{nodes};pods_per_node={Shape.PodsPerNode};attachment={lab.Attachment.ToString().ToLowerInvariant()};gateway={(lab.Gateway == LabGateway.Bridge ? "bridge" : "link-local")};encapsulation={encapsulation};pod_mtu={PodMtu};encryption={lab.Encryption?.Type.ToString().ToLowerInvariant() ?? "none"};policy={policy}");
        }
    }

    /// <summary>
    /// Plans a lab; <paramref name="manifest"/> null means the underlay baseline (nodes and switch, no pods).
    /// <paramref name="variant"/> names one of the manifest's variants; its merged lab model replaces the CNI's own.
    /// </summary>
    public static LabBlueprint Create(CniManifest? manifest, ClusterShape shape, string runPrefix, string? variant = null)
    {
        if (manifest is { Lab: null })
        {
            throw new ArgumentException(LabProvider.NoLabModel(manifest.Name), nameof(manifest));
        }

        CniVariant? chosen = null;
        if (variant is not null)
        {
            if (manifest is null)
            {
                throw new ArgumentException($"the underlay has no variants (asked for '{variant}')", nameof(variant));
            }

            chosen = manifest.Variant(variant)
                ?? throw new ArgumentException(
                    $"{manifest.Name} offers no variant '{variant}'" + (manifest.Variants.Count == 0 ? "" : $"; it offers: {string.Join(", ", manifest.Variants.Select(v => v.Name))}"),
                    nameof(variant));
            if (chosen.Lab is null)
            {
                throw new ClusterUnsupportedException(LabProvider.NoVariantModel(new ClusterId(manifest.Name, variant).ToString()));
            }
        }

        if (!LabNames.IsValidRunPrefix(runPrefix))
        {
            throw new ArgumentException($"run prefix '{runPrefix}' must look like 'cnb-3fa2' (cnb- and 1-16 lower-case letters or digits)", nameof(runPrefix));
        }

        if (shape.Nodes is < 1 or > LabAddressing.MaxNodes)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"nodes must be 1..{LabAddressing.MaxNodes}, was {shape.Nodes}");
        }

        if (shape.PodsPerNode is < 0 or > LabAddressing.MaxPodsPerNode)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"pods per node must be 0..{LabAddressing.MaxPodsPerNode}, was {shape.PodsPerNode}");
        }

        if (shape.UnderlayMtu is < 576 or > 9000)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"underlay MTU must be 576..9000, was {shape.UnderlayMtu}");
        }

        var id = new ClusterId(manifest?.Name ?? Underlay.Name, chosen?.Name);
        var cni = id.ToString();
        var model = chosen?.Lab ?? manifest?.Lab;
        var lab = LabNames.Lab(runPrefix, id);
        var wireGuard = model?.Encryption?.Type == EncryptionType.WireGuard;
        if (wireGuard && model!.Encapsulation.Type != EncapsulationType.None)
        {
            // Every CNI's WireGuard mode sends pod traffic between nodes through the WireGuard device alone.
            throw new ArgumentException($"{cni}: a WireGuard model takes encapsulation 'none' (the lab routes peers' pod subnets into the WireGuard device)", nameof(variant));
        }

        var nodes = Enumerable.Range(1, shape.Nodes)
            .Select(n =>
            {
                var ns = LabNames.Node(lab, n);
                return new LabNodePlan(n, LabNames.NodeName(n), ns, LabAddressing.NodeAddress(n), wireGuard ? LabNames.WireGuardDevice(ns) : null);
            })
            .ToList();
        var podsPerNode = manifest is null ? 0 : shape.PodsPerNode;
        var pods = nodes
            .SelectMany(node => Enumerable.Range(1, podsPerNode).Select(p => new LabPodPlan(
                node.Index,
                p,
                LabNames.PodName(node.Index, p),
                node.Name,
                LabNames.Pod(lab, node.Index, p),
                LabAddressing.PodAddress(node.Index, p),
                HostVeth: string.Create(CultureInfo.InvariantCulture, $"veth{p}"))))
            .ToList();
        var podMtu = model?.PodMtu(shape.UnderlayMtu) ?? shape.UnderlayMtu;
        if (podMtu is < 576 or > 9000)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"{cni}: pod MTU {podMtu} from underlay MTU {shape.UnderlayMtu} is out of range");
        }

        return new LabBlueprint
        {
            Lab = lab,
            RunPrefix = runPrefix,
            Cni = cni,
            Manifest = manifest,
            Variant = chosen,
            Shape = shape,
            SwitchNamespace = LabNames.Switch(lab),
            Nodes = nodes,
            Pods = pods,
            PodMtu = podMtu,
        };
    }
}
