using CniBench.NetworkPolicy.Model;
using CsCheck;
using k8s.Models;

namespace CniBench.NetworkPolicy.Tests;

/// <summary>Random valid NetworkPolicies over the upstream 9-pod model, covering every feature the oracle knows.</summary>
internal static class PolicyGenerators
{
    private static readonly string[] Namespaces = ["x", "y", "z"];
    private static readonly string[] PodNames = ["a", "b", "c"];

    private static Gen<V1LabelSelector> Selector(string key, string[] values) => Gen.Frequency(
        (2, Gen.Const(() => new V1LabelSelector())),
        (3, Gen.OneOf(values).Select(v => new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [key] = v } })),
        (3, Gen.Select(
            Gen.OneOf("In", "NotIn", "Exists", "DoesNotExist"),
            Gen.OneOf(values).Array[1, 2],
            (op, vs) => new V1LabelSelector
            {
                MatchExpressions =
                [
                    new V1LabelSelectorRequirement { Key = key, OperatorProperty = op, Values = op is "In" or "NotIn" ? vs.Distinct().ToList() : null },
                ],
            })));

    private static readonly Gen<V1LabelSelector> PodSelector = Selector("pod", PodNames);
    private static readonly Gen<V1LabelSelector> NamespaceSelector = Selector("ns", Namespaces);

    private static readonly Gen<V1IPBlock> IpBlock = Gen.Select(
        Gen.OneOf("198.19.0.0/16", "198.19.1.0/24", "198.19.2.0/23", "198.19.3.12/32"),
        Gen.Bool,
        (cidr, withExcept) => new V1IPBlock { Cidr = cidr, Except = withExcept && cidr == "198.19.0.0/16" ? ["198.19.2.0/24", "198.19.1.11/32"] : null });

    private static readonly Gen<V1NetworkPolicyPeer> Peer = Gen.Frequency(
        (3, PodSelector.Select(s => new V1NetworkPolicyPeer { PodSelector = s })),
        (3, NamespaceSelector.Select(s => new V1NetworkPolicyPeer { NamespaceSelector = s })),
        (3, Gen.Select(PodSelector, NamespaceSelector, (p, n) => new V1NetworkPolicyPeer { PodSelector = p, NamespaceSelector = n })),
        (2, IpBlock.Select(b => new V1NetworkPolicyPeer { IpBlock = b })));

    private static readonly Gen<V1NetworkPolicyPort> Port = Gen.Frequency(
        (2, Gen.OneOf<string?>(null, "TCP", "UDP").Select(p => new V1NetworkPolicyPort { Protocol = p })),
        (3, Gen.Select(Gen.OneOf(80, 81), Gen.OneOf<string?>(null, "TCP", "UDP"), (n, p) => new V1NetworkPolicyPort { Port = n, Protocol = p })),
        // A named port whose rule protocol sometimes differs from the container port's (then it matches nothing).
        (2, Gen.Select(Gen.OneOf(80, 81), Gen.OneOf(NetpolProtocol.Tcp, NetpolProtocol.Udp), Gen.OneOf<string?>(null, "TCP", "UDP"), (n, p, ruleProtocol) =>
            new V1NetworkPolicyPort { Port = DefaultModel.PortName(n, p), Protocol = ruleProtocol })),
        (1, Gen.OneOf<string?>(null, "UDP").Select(p => new V1NetworkPolicyPort { Port = 80, EndPort = 81, Protocol = p })));

    private static readonly Gen<List<V1NetworkPolicyPeer>?> Peers = Gen.Frequency(
        (1, Gen.Const((List<V1NetworkPolicyPeer>?)null)),
        (4, Peer.List[1, 3].Select(l => (List<V1NetworkPolicyPeer>?)l)));

    private static readonly Gen<List<V1NetworkPolicyPort>?> Ports = Gen.Frequency(
        (2, Gen.Const((List<V1NetworkPolicyPort>?)null)),
        (3, Port.List[1, 2].Select(l => (List<V1NetworkPolicyPort>?)l)));

    public static readonly Gen<V1NetworkPolicyIngressRule> IngressRule =
        Gen.Select(Peers, Ports, (peers, ports) => new V1NetworkPolicyIngressRule { FromProperty = peers, Ports = ports });

    public static readonly Gen<V1NetworkPolicyEgressRule> EgressRule =
        Gen.Select(Peers, Ports, (peers, ports) => new V1NetworkPolicyEgressRule { To = peers, Ports = ports });

    private static readonly Gen<List<string>?> PolicyTypes = Gen.OneOf<List<string>?>(
        null, ["Ingress"], ["Egress"], ["Ingress", "Egress"]);

    public static readonly Gen<V1NetworkPolicy> Policy = Gen.Select(
        Gen.OneOf(Namespaces),
        PodSelector,
        PolicyTypes,
        IngressRule.List[0, 2],
        EgressRule.List[0, 2],
        Gen.Int[0, 1_000_000],
        (ns, selector, types, ingress, egress, id) => new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = new V1ObjectMeta { Name = "p" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), NamespaceProperty = ns },
            Spec = new V1NetworkPolicySpec { PodSelector = selector, PolicyTypes = types, Ingress = ingress, Egress = egress },
        });

    public static readonly Gen<List<V1NetworkPolicy>> PolicySet = Policy.List[0, 5];

    public static string Print(IEnumerable<V1NetworkPolicy> policies) => k8s.KubernetesYaml.SerializeAll(policies);
}
