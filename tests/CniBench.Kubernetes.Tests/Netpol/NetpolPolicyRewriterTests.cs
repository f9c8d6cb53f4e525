using CniBench.Kubernetes.Netpol;
using k8s.Models;

namespace CniBench.Kubernetes.Tests.Netpol;

public sealed class NetpolPolicyRewriterTests
{
    private const string RunNamespace = "cnibench-3fa2";
    private const string RunId = "20260101T000000Z-3fa2";
    private const string NameLabel = "kubernetes.io/metadata.name";
    private static readonly string[] Model = ["x", "y", "z"];

    [Fact]
    public void Rewrite_NamespaceAndMetadataNameSelectors_PointAtRunNamespaces()
    {
        var policy = Policy();

        var rewritten = NetpolPolicyRewriter.Rewrite(policy, RunNamespace, RunId, Model);

        Assert.Equal("networking.k8s.io/v1", rewritten.ApiVersion);
        Assert.Equal("NetworkPolicy", rewritten.Kind);
        Assert.Equal("allow-some", rewritten.Metadata.Name);
        Assert.Equal("cnibench-3fa2-x", rewritten.Metadata.NamespaceProperty);
        Assert.Equal(RunId, rewritten.Metadata.Labels[KubeLabels.Run]);
        Assert.Equal("keep", rewritten.Metadata.Labels["case"]);
        Assert.Null(rewritten.Metadata.ResourceVersion);

        var from = rewritten.Spec.Ingress[0].FromProperty;
        Assert.Equal("cnibench-3fa2-y", from[0].NamespaceSelector.MatchLabels[NameLabel]);
        Assert.Equal(["cnibench-3fa2-x", "cnibench-3fa2-z"], from[1].NamespaceSelector.MatchExpressions[0].Values);
        Assert.Equal(["cnibench-3fa2-y", "kube-system"], from[1].NamespaceSelector.MatchExpressions[1].Values);

        // The ns=<short> label is on the real namespaces as in the model: it stays as written.
        Assert.Equal("z", from[2].NamespaceSelector.MatchLabels["ns"]);
        Assert.Equal(["y"], from[2].NamespaceSelector.MatchExpressions[0].Values);
        Assert.Equal("cnibench-3fa2-z", rewritten.Spec.Egress[0].To[0].NamespaceSelector.MatchLabels[NameLabel]);
        Assert.Equal("a", rewritten.Spec.Egress[0].To[0].PodSelector.MatchLabels["pod"]);
    }

    [Fact]
    public void Rewrite_AnyPolicy_LeavesTheInputUntouched()
    {
        var policy = Policy();

        _ = NetpolPolicyRewriter.Rewrite(policy, RunNamespace, RunId, Model);

        Assert.Equal("x", policy.Metadata.NamespaceProperty);
        Assert.Equal("y", policy.Spec.Ingress[0].FromProperty[0].NamespaceSelector.MatchLabels[NameLabel]);
        Assert.DoesNotContain(KubeLabels.Run, policy.Metadata.Labels.Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("default")]
    public void Rewrite_NamespaceOutsideModel_ThrowsNamingIt(string? ns)
    {
        var policy = Policy();
        policy.Metadata.NamespaceProperty = ns;

        var error = Assert.Throws<ArgumentException>(() => NetpolPolicyRewriter.Rewrite(policy, RunNamespace, RunId, Model));

        Assert.Contains("allow-some", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a namespace of the model", error.Message, StringComparison.Ordinal);
    }

    private static V1NetworkPolicy Policy() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "allow-some",
            NamespaceProperty = "x",
            ResourceVersion = "42",
            Labels = new Dictionary<string, string> { ["case"] = "keep" },
        },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["pod"] = "a" } },
            PolicyTypes = ["Ingress", "Egress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty =
                    [
                        new V1NetworkPolicyPeer { NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [NameLabel] = "y" } } },
                        new V1NetworkPolicyPeer
                        {
                            NamespaceSelector = new V1LabelSelector
                            {
                                MatchExpressions =
                                [
                                    new V1LabelSelectorRequirement { Key = NameLabel, OperatorProperty = "In", Values = ["x", "z"] },
                                    new V1LabelSelectorRequirement { Key = NameLabel, OperatorProperty = "NotIn", Values = ["y", "kube-system"] },
                                ],
                            },
                        },
                        new V1NetworkPolicyPeer
                        {
                            NamespaceSelector = new V1LabelSelector
                            {
                                MatchLabels = new Dictionary<string, string> { ["ns"] = "z" },
                                MatchExpressions = [new V1LabelSelectorRequirement { Key = "ns", OperatorProperty = "In", Values = ["y"] }],
                            },
                        },
                    ],
                },
            ],
            Egress =
            [
                new V1NetworkPolicyEgressRule
                {
                    To =
                    [
                        new V1NetworkPolicyPeer
                        {
                            NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [NameLabel] = "z" } },
                            PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["pod"] = "a" } },
                        },
                    ],
                },
            ],
        },
    };
}
