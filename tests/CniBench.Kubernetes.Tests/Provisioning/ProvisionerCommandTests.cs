using CniBench.Kubernetes.Provisioning;
using CniBench.Kubernetes.Tests.Catalog;

namespace CniBench.Kubernetes.Tests.Provisioning;

public sealed class ProvisionerCommandTests
{
    [Fact]
    public void Expand_Placeholders_ReplacedInsideEachArgument()
    {
        var spec = ProvisionerCommand.Expand("kind create cluster --name 'cnibench {cni}' --config=/tmp/{cni}.yaml --pod-cidr {podCidr}", "calico", () => "192.168.0.0/16", TimeSpan.FromMinutes(3));

        Assert.Equal("kind", spec.Program);
        Assert.Equal(["create", "cluster", "--name", "cnibench calico", "--config=/tmp/calico.yaml", "--pod-cidr", "192.168.0.0/16"], spec.Arguments);
        Assert.Equal(TimeSpan.FromMinutes(3), spec.Timeout);
    }

    [Fact]
    public void Expand_ValueWithSpaces_NeverSplitsIntoMoreArguments()
    {
        var spec = ProvisionerCommand.Expand("create.sh {cni}", "a b; rm -rf /", () => "", TimeSpan.FromMinutes(1));

        Assert.Equal(["a b; rm -rf /"], spec.Arguments);
    }

    [Fact]
    public void Expand_NoPodCidrPlaceholder_NeverAsksForIt()
    {
        var spec = ProvisionerCommand.Expand("destroy.sh {cni}", "kube-router", () => throw new InvalidOperationException("asked"), TimeSpan.FromMinutes(1));

        Assert.Equal(["kube-router"], spec.Arguments);
    }

    [Fact]
    public void Expand_EmptyLine_Throws()
    {
        Assert.Throws<CommandLineException>(() => ProvisionerCommand.Expand("  ", "calico", () => "", TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData("flannel", "10.244.0.0/16")]
    [InlineData("calico", "192.168.0.0/16")]
    public void PodCidrFor_CatalogHasDefault_ReturnsIt(string cni, string expected)
    {
        Assert.Equal(expected, ProvisionerCommand.PodCidrFor(CatalogTestSupport.Catalog, cni));
    }

    [Fact]
    public void PodCidrFor_CatalogHasNoDefault_SaysWhereToAddIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProvisionerCommand.PodCidrFor(CatalogTestSupport.WithoutPodCidrDefault("kube-router"), "kube-router"));

        Assert.Contains("kube-router.yaml has no kubernetes.podCidr.default", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PodCidrFor_NoCatalog_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProvisionerCommand.PodCidrFor(null, "flannel"));

        Assert.Contains("no CNI catalog", error.Message, StringComparison.Ordinal);
    }
}
