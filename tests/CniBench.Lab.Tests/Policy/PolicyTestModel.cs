using System.Net;
using CniBench.Lab.Policy;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Policies;
using k8s.Models;

namespace CniBench.Lab.Tests.Policy;

/// <summary>
/// Four pods on two nodes: x/a (198.19.1.2) and y/a (198.19.1.3) on node n1 behind veth1 and veth2; x/b
/// (198.19.2.2) and y/b (198.19.2.3) on n2 behind veth1 and veth2. Every pod serves 80/TCP, 80/UDP and 81/TCP;
/// x/b also serves "web" on 8080/TCP and y/b "web" on 9090/TCP, so egress named ports resolve per peer.
/// </summary>
internal static class PolicyTestModel
{
    public const string Node1 = "cnb-t-n1";
    public const string Node2 = "cnb-t-n2";

    public static ClusterModel Model { get; } = Create();

    public static IReadOnlyList<PodPlacement> Placements { get; } =
    [
        new("x/a", Node1, "veth1"),
        new("y/a", Node1, "veth2"),
        new("x/b", Node2, "veth1"),
        new("y/b", Node2, "veth2"),
    ];

    /// <summary>Policies from YAML through the real loader, so they are validated as the CLI would.</summary>
    public static IReadOnlyList<V1NetworkPolicy> Policies(string yaml)
    {
        var loaded = PolicyLoader.LoadText(yaml, "test.yaml");
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Errors));
        return [.. loaded.Policies.Select(p => p.Policy)];
    }

    private static ClusterModel Create()
    {
        ContainerPortModel[] common =
        [
            new("serve-80-tcp", 80, NetpolProtocol.Tcp),
            new("serve-80-udp", 80, NetpolProtocol.Udp),
            new("serve-81-tcp", 81, NetpolProtocol.Tcp),
        ];
        PodModel Pod(string ns, string name, string ip, params ContainerPortModel[] extra) => new(
            ns,
            name,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["pod"] = name },
            IPAddress.Parse(ip),
            [.. common, .. extra]);
        return new ClusterModel(
            [DefaultModel.NamespaceWithStandardLabels("x"), DefaultModel.NamespaceWithStandardLabels("y")],
            [
                Pod("x", "a", "198.19.1.2"),
                Pod("x", "b", "198.19.2.2", new ContainerPortModel("web", 8080, NetpolProtocol.Tcp)),
                Pod("y", "a", "198.19.1.3"),
                Pod("y", "b", "198.19.2.3", new ContainerPortModel("web", 9090, NetpolProtocol.Tcp)),
            ]);
    }
}
