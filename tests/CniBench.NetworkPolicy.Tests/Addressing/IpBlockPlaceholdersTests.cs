using System.Net;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Policies;

namespace CniBench.NetworkPolicy.Tests.Addressing;

public sealed class IpBlockPlaceholdersTests
{
    private const string NodeOfExceptPod = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Ingress]
          ingress:
          - from:
            - ipBlock:
                cidr: "{{node-of x/b}}"
                except: ["{{pod y/b}}"]
        """;

    private static (ClusterModel Model, AddressPlan Plan) Reference() => ReferencePlacement.Place(DefaultModel.Create());

    [Fact]
    public void Resolve_ReferencePlan_NodeOfIsThePodsNodeRangeAndPodIsItsAddress()
    {
        var (_, plan) = Reference();

        var resolution = IpBlockPlaceholders.Resolve(Fixtures.PoliciesFrom(NodeOfExceptPod), plan);

        Assert.True(resolution.Succeeded, string.Join("; ", resolution.Errors));
        var block = resolution.Policies[0].Spec.Ingress[0].FromProperty[0].IpBlock;
        Assert.Equal("198.19.2.0/24", block.Cidr);
        Assert.Equal(["198.19.2.3/32"], block.Except);
        Assert.Equal(["{{node-of x/b}} = 198.19.2.0/24", "{{pod y/b}} = 198.19.2.3/32"], resolution.Bindings.Select(b => $"{b.Placeholder} = {b.Cidr}"));
    }

    [Fact]
    public void Resolve_AnyPlan_LeavesTheLoadedPolicyWithItsPlaceholders()
    {
        var policies = Fixtures.PoliciesFrom(NodeOfExceptPod);

        IpBlockPlaceholders.Resolve(policies, Reference().Plan);

        Assert.Equal("{{node-of x/b}}", policies[0].Spec.Ingress[0].FromProperty[0].IpBlock.Cidr);
    }

    [Fact]
    public void Resolve_PodNetwork_IsTheSmallestBlockHoldingEveryNodeRange()
    {
        var policies = Fixtures.PoliciesFrom(NodeOfExceptPod.Replace("\"{{node-of x/b}}\"", "\"{{pod-network}}\"", StringComparison.Ordinal));

        var resolution = IpBlockPlaceholders.Resolve(policies, Reference().Plan);

        Assert.Equal("198.19.0.0/22", resolution.Policies[0].Spec.Ingress[0].FromProperty[0].IpBlock.Cidr);
    }

    [Fact]
    public void Resolve_ClusterAddresses_OracleAllowsThePodsTheResolvedBlockCovers()
    {
        // A cluster's own addresses: x/b and z/b share node w2 (10.244.2.0/24), y/b runs there too, x/a elsewhere.
        var model = DefaultModel.Create();
        string[] ips = ["10.244.1.5", "10.244.2.7", "10.244.3.9", "10.244.1.6", "10.244.2.8", "10.244.3.4", "10.244.1.7", "10.244.2.9", "10.244.3.5"];
        var pods = model.Pods.Select((p, i) => p with { Ip = IPAddress.Parse(ips[i]) }).ToList();
        var placed = new ClusterModel(model.Namespaces, pods);
        var plan = new AddressPlan(
            pods.ToDictionary(p => p.Id, p => p.Ip!),
            pods.ToDictionary(p => p.Id, p => "w" + p.Ip!.GetAddressBytes()[2]),
            Enumerable.Range(1, 3).ToDictionary(n => "w" + n, n => (IReadOnlyList<IPNetwork>)[IPNetwork.Parse($"10.244.{n}.0/24")]));

        var resolution = IpBlockPlaceholders.Resolve(Fixtures.PoliciesFrom(NodeOfExceptPod), plan);
        var oracle = new PolicyOracle(placed, resolution.Policies);

        Assert.True(oracle.IsAllowed("x/b", "x/a", Fixtures.Tcp80));
        Assert.True(oracle.IsAllowed("z/b", "x/a", Fixtures.Tcp80));
        Assert.False(oracle.IsAllowed("y/b", "x/a", Fixtures.Tcp80));
        Assert.False(oracle.IsAllowed("y/a", "x/a", Fixtures.Tcp80));
    }

    [Fact]
    public void Resolve_NodeRangeDoesNotHoldThePod_FailsSayingTheIpamIgnoresNodeRanges()
    {
        // Calico's IPAM hands out 192.168.x.y whatever Node.spec.podCIDR says.
        var (model, _) = Reference();
        var plan = new AddressPlan(
            model.Pods.Select((p, i) => (p.Id, i)).ToDictionary(t => t.Id, t => IPAddress.Parse("192.168.33." + (t.i + 2))),
            model.Pods.ToDictionary(p => p.Id, _ => "w1"),
            new Dictionary<string, IReadOnlyList<IPNetwork>> { ["w1"] = [IPNetwork.Parse("10.244.1.0/24")] });

        var resolution = IpBlockPlaceholders.Resolve(Fixtures.PoliciesFrom(NodeOfExceptPod), plan);

        var error = Assert.Single(resolution.Errors);
        Assert.Contains("x/p: {{node-of x/b}}: node w1's pod ranges (10.244.1.0/24) do not hold pod x/b's address 192.168.33.3", error, StringComparison.Ordinal);
        Assert.Empty(resolution.Policies);
    }

    [Fact]
    public void Resolve_ExceptNotStrictlyInsideOnThisCluster_IsTheApisErrorAfterResolving()
    {
        // One node: the pod network and node-of x/c are the same block, which the API would reject as except.
        var (model, plan) = ReferencePlacement.Place(DefaultModel.Create(), nodes: 1);
        var policies = Fixtures.PoliciesFrom(NodeOfExceptPod
            .Replace("\"{{node-of x/b}}\"", "\"{{pod-network}}\"", StringComparison.Ordinal)
            .Replace("\"{{pod y/b}}\"", "\"{{node-of x/c}}\"", StringComparison.Ordinal));

        var resolution = IpBlockPlaceholders.Resolve(policies, plan);

        Assert.Single(resolution.Errors, e => e.Contains("must be a strict subset", StringComparison.Ordinal) && e.Contains("after resolving its placeholders", StringComparison.Ordinal));
        Assert.Equal(9, model.Pods.Count);
    }

    [Theory]
    [InlineData("{{pod yb}}")]
    [InlineData("{{node y/b}}")]
    [InlineData("{{pod-network x/a}}")]
    [InlineData("{{pod}}")]
    public void LoadText_MalformedPlaceholder_IsAnErrorAtTheField(string placeholder)
    {
        var result = PolicyLoader.LoadText(NodeOfExceptPod.Replace("{{pod y/b}}", placeholder, StringComparison.Ordinal), "p.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("p.yaml:11:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(placeholder, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnresolvedPlaceholder_SaysToResolveFirst()
    {
        var error = Assert.Throws<ArgumentException>(() => new PolicyOracle(DefaultModel.Create(), Fixtures.PoliciesFrom(NodeOfExceptPod)));

        Assert.Contains("placeholder", error.Message, StringComparison.Ordinal);
    }
}
