using System.Globalization;
using CniBench.NetworkPolicy.Model;
using k8s.Models;

namespace CniBench.Benchmarks;

/// <summary>
/// A fixed, seeded mix of policies that uses every feature the oracle evaluates, so the benchmark
/// measures the real paths (selectors, expressions, ipBlock, named ports, endPort), not only the cheap ones.
/// </summary>
internal static class SyntheticPolicies
{
    public static ClusterModel Model(int namespaces, int podsPerNamespace) => DefaultModel.Create(
        Enumerable.Range(0, namespaces).Select(i => "ns" + i.ToString(CultureInfo.InvariantCulture)).ToArray(),
        Enumerable.Range(0, podsPerNamespace).Select(i => "p" + i.ToString(CultureInfo.InvariantCulture)).ToArray(),
        [80, 81],
        [NetpolProtocol.Tcp, NetpolProtocol.Udp]);

    public static List<V1NetworkPolicy> Create(ClusterModel model, int count, int seed)
    {
        // Not for security: a fixed seed makes every run evaluate the same policies.
#pragma warning disable CA5394
        var random = new Random(seed);
        var namespaces = model.Namespaces.Select(n => n.Name).ToArray();
        var pods = model.Pods.Select(p => p.Name).Distinct().ToArray();
        string Pick(string[] values) => values[random.Next(values.Length)];

        V1LabelSelector PodSelector() => random.Next(4) switch
        {
            0 => new V1LabelSelector(),
            1 => new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["pod"] = Pick(pods) } },
            2 => new V1LabelSelector { MatchExpressions = [new() { Key = "pod", OperatorProperty = "In", Values = [Pick(pods), Pick(pods)] }] },
            _ => new V1LabelSelector { MatchExpressions = [new() { Key = "pod", OperatorProperty = "NotIn", Values = [Pick(pods)] }] },
        };

        V1LabelSelector NamespaceSelector() => random.Next(3) switch
        {
            0 => new V1LabelSelector(),
            1 => new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["ns"] = Pick(namespaces) } },
            _ => new V1LabelSelector { MatchExpressions = [new() { Key = "kubernetes.io/metadata.name", OperatorProperty = "In", Values = [Pick(namespaces), Pick(namespaces)] }] },
        };

        V1NetworkPolicyPeer Peer() => random.Next(4) switch
        {
            0 => new V1NetworkPolicyPeer { PodSelector = PodSelector() },
            1 => new V1NetworkPolicyPeer { NamespaceSelector = NamespaceSelector() },
            2 => new V1NetworkPolicyPeer { PodSelector = PodSelector(), NamespaceSelector = NamespaceSelector() },
            _ => new V1NetworkPolicyPeer
            {
                IpBlock = new V1IPBlock
                {
                    Cidr = "198.19.0.0/16",
                    Except = ["198.19." + random.Next(1, namespaces.Length + 1).ToString(CultureInfo.InvariantCulture) + ".0/24"],
                },
            },
        };

        V1NetworkPolicyPort Port() => random.Next(4) switch
        {
            0 => new V1NetworkPolicyPort { Port = 80 },
            1 => new V1NetworkPolicyPort { Port = 80, EndPort = 81, Protocol = "UDP" },
            2 => new V1NetworkPolicyPort { Port = "serve-81-tcp" },
            _ => new V1NetworkPolicyPort { Protocol = "UDP" },
        };

        List<V1NetworkPolicyPeer>? Peers() => random.Next(5) == 0 ? null : Enumerable.Range(0, random.Next(1, 3)).Select(_ => Peer()).ToList();
        List<V1NetworkPolicyPort>? Ports() => random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(1, 3)).Select(_ => Port()).ToList();

        var policies = new List<V1NetworkPolicy>();
        for (var i = 0; i < count; i++)
        {
            var types = random.Next(3) switch
            {
                0 => null,
                1 => new List<string> { "Ingress" },
                _ => new List<string> { "Ingress", "Egress" },
            };
            policies.Add(new V1NetworkPolicy
            {
                ApiVersion = "networking.k8s.io/v1",
                Kind = "NetworkPolicy",
                Metadata = new V1ObjectMeta { Name = "policy-" + i.ToString(CultureInfo.InvariantCulture), NamespaceProperty = Pick(namespaces) },
                Spec = new V1NetworkPolicySpec
                {
                    PodSelector = PodSelector(),
                    PolicyTypes = types,
                    Ingress = Enumerable.Range(0, random.Next(0, 3)).Select(_ => new V1NetworkPolicyIngressRule { FromProperty = Peers(), Ports = Ports() }).ToList(),
                    Egress = Enumerable.Range(0, random.Next(0, 3)).Select(_ => new V1NetworkPolicyEgressRule { To = Peers(), Ports = Ports() }).ToList(),
                },
            });
        }
#pragma warning restore CA5394

        return policies;
    }
}
