using System.Net;

namespace CniBench.Lab;

/// <summary>
/// The lab's address plan, all inside 198.18.0.0/15 (RFC 2544 benchmarking range): underlay
/// 198.18.0.0/24 with node n at 198.18.0.(10+n), pods of node n in 198.19.n.0/24 from .2 up.
/// </summary>
public static class LabAddressing
{
    public const int UnderlayPrefixLength = 24;

    /// <summary>The whole pod network; pods route it (not a default route) so nothing else is reachable.</summary>
    public const string PodNetwork = "198.19.0.0/16";

    public const int MaxNodes = 200;

    public const int MaxPodsPerNode = 200;

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
