using System.Net;

namespace CniBench.Lab;

/// <summary>
/// The lab's address plan, all inside 198.18.0.0/15 (RFC 2544 benchmarking range): underlay
/// 198.18.0.0/24 with node n at 198.18.0.(10+n), pods of node n in 198.19.n.0/24 from .2 up, Services
/// (ClusterIPs) in 198.18.96.0/20.
/// </summary>
public static class LabAddressing
{
    public const int UnderlayPrefixLength = 24;

    /// <summary>The whole pod network; pods route it (not a default route) so nothing else is reachable.</summary>
    public const string PodNetwork = "198.19.0.0/16";

    public const int MaxNodes = 200;

    public const int MaxPodsPerNode = 200;

    /// <summary>
    /// The Service (ClusterIP) range: inside 198.18.0.0/15 but clear of the underlay (198.18.0.0/24) and the pods
    /// (198.19.0.0/16). Pods route it to their gateway, where the node's kube-proxy model DNATs it.
    /// </summary>
    public const string ServiceNetwork = "198.18.96.0/20";

    /// <summary>ClusterIPs 198.18.96.1 to 198.18.111.254 (the range's first and last addresses are never handed out).</summary>
    public const int MaxServiceAddresses = 4094;

    /// <summary>The <paramref name="ordinal"/>th ClusterIP, counting from 1 (198.18.96.1).</summary>
    public static IPAddress ServiceAddress(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ordinal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ordinal, MaxServiceAddresses);
        return new([198, 18, checked((byte)(96 + (ordinal >> 8))), checked((byte)(ordinal & 0xff))]);
    }

    /// <summary>Calico's gateway address, answered by proxy ARP and never assigned.</summary>
    public static IPAddress LinkLocalGateway { get; } = IPAddress.Parse("169.254.1.1");

    public static IPAddress NodeAddress(int node) => new([198, 18, 0, checked((byte)(10 + node))]);

    /// <summary>The first address of the node's pod subnet (198.19.n.0): the flannel VTEP's /32.</summary>
    public static IPAddress PodSubnetAddress(int node) => new([198, 19, checked((byte)node), 0]);

    public static string PodSubnet(int node) => $"198.19.{node}.0/24";

    /// <summary>The bridge gateway, 198.19.n.1.</summary>
    public static IPAddress BridgeAddress(int node) => new([198, 19, checked((byte)node), 1]);

    public static IPAddress PodAddress(int node, int pod) => new([198, 19, checked((byte)node), checked((byte)(pod + 1))]);

    /// <summary>A locally administered MAC per node, so peers' neighbour entries can be written before the device exists.</summary>
    public static string VtepMac(int node) => $"02:cb:00:00:{node >> 8:x2}:{node & 0xff:x2}";

    /// <summary>The MAC Calico gives every host-side veth.</summary>
    public const string RoutedHostVethMac = "ee:ee:ee:ee:ee:ee";
}
