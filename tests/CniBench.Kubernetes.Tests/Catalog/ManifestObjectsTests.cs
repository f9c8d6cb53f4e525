using CniBench.Kubernetes.Catalog;

namespace CniBench.Kubernetes.Tests.Catalog;

public sealed class ManifestObjectsTests
{
    [Fact]
    public void Parse_MultiDocumentWithList_FlattensInOrder()
    {
        const string yaml = """
            apiVersion: v1
            kind: Namespace
            metadata: { name: kube-flannel }
            ---
            apiVersion: v1
            kind: List
            items:
              - apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: { name: weave-net }
              - apiVersion: apps/v1
                kind: DaemonSet
                metadata: { name: weave-net, namespace: kube-system }
            ---
            """;

        var objects = ManifestObjects.Parse(yaml, "test.yaml");

        Assert.Equal(["Namespace/kube-flannel", "ClusterRole/weave-net", "DaemonSet/kube-system/weave-net"], objects.Select(o => o.ToString()));
        Assert.Equal(("rbac.authorization.k8s.io", "v1", "clusterroles"), (objects[1].Group, objects[1].Version, objects[1].Plural));
        Assert.Equal(("", "v1"), (objects[0].Group, objects[0].Version));
    }

    [Fact]
    public void Parse_PlainAndQuotedScalars_KeepYamlTypes()
    {
        const string yaml = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: { name: x, namespace: y }
            spec:
              replicas: 3
              hostNetwork: true
              mode: "0644"
              octal: 0644
              port: "8472"
              empty: ~
            """;

        var body = Assert.Single(ManifestObjects.Parse(yaml, "test.yaml")).Body;

        Assert.Equal("""{"replicas":3,"hostNetwork":true,"mode":"0644","octal":"0644","port":"8472","empty":null}""", body["spec"]!.ToJsonString());
    }

    [Theory]
    [InlineData("NetworkPolicy", "networkpolicies")]
    [InlineData("IngressClass", "ingressclasses")]
    [InlineData("CustomResourceDefinition", "customresourcedefinitions")]
    [InlineData("FelixConfiguration", "felixconfigurations")]
    [InlineData("PodDisruptionBudget", "poddisruptionbudgets")]
    public void Plural_Kind_FollowsKubernetesGuess(string kind, string plural)
    {
        Assert.Equal(plural, new ManifestObject("x/v1", kind, null, "n", []).Plural);
    }

    [Fact]
    public void Parse_ClusterRoleWithNamespace_DropsTheNamespace()
    {
        const string yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: calico-tier-getter, namespace: kube-system }\n";

        var obj = Assert.Single(ManifestObjects.Parse(yaml, "calico.yaml"));

        Assert.Null(obj.Namespace);
        Assert.Null(obj.Body["metadata"]!["namespace"]);
    }

    [Fact]
    public void Parse_ObjectWithoutName_ThrowsNamingSource()
    {
        var ex = Assert.Throws<FormatException>(() => ManifestObjects.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "flannel.yml"));

        Assert.Contains("flannel.yml", ex.Message, StringComparison.Ordinal);
    }
}
