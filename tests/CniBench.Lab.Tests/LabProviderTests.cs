using CniBench.Catalog;
using CniBench.Core.Clusters;

namespace CniBench.Lab.Tests;

public sealed class LabProviderTests
{
    [Fact]
    public async Task CreateAsync_CniWithoutLabModel_ThrowsClearArgumentException()
    {
        var modelless = TestSupport.Catalog["flannel"] with { Name = "demo", Lab = null, Variants = [] };
        var provider = new LabProvider(new CniCatalog([modelless]));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            provider.CreateAsync(new ClusterRequest("demo", new ClusterShape(2, 1, 1500)), null, TestContext.Current.CancellationToken));

        Assert.Contains("demo has no lab datapath model yet; run it with provider: kubernetes", ex.Message, StringComparison.Ordinal);
    }
}
