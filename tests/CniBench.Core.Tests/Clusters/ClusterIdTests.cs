using CniBench.Core.Clusters;

namespace CniBench.Core.Tests.Clusters;

public sealed class ClusterIdTests
{
    [Theory]
    [InlineData("calico", "calico", null)]
    [InlineData("calico+wireguard", "calico", "wireguard")]
    [InlineData("flannel+host-gw", "flannel", "host-gw")]
    public void Parse_Text_SplitsCniAndVariantAndRoundTrips(string text, string cni, string? variant)
    {
        var id = ClusterId.Parse(text);

        Assert.Equal((cni, variant), (id.Cni, id.Variant));
        Assert.Equal(text, id.ToString());
    }

    [Fact]
    public void For_Variant_CarriesItIntoTheRequest()
    {
        var request = ClusterRequest.For(ClusterId.Parse("cilium+ipsec"), ClusterShape.Default);

        Assert.Equal(("cilium", "ipsec"), (request.Cni, request.Variant));
        Assert.Equal("cilium+ipsec", request.Id.ToString());
    }
}
