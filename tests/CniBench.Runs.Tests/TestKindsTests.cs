namespace CniBench.Runs.Tests;

public sealed class TestKindsTests
{
    [Fact]
    public void Create_EveryKindAScenarioCanName_IsRegisteredUnderItsName()
    {
        var kinds = TestKinds.Create(TimeProvider.System);

        Assert.Equal(["crr", "http", "ingress", "mtu", "netpol", "rr", "tcp", "udp"], kinds.Keys.Order(StringComparer.Ordinal));
        Assert.All(kinds, k => Assert.Equal(k.Key, k.Value.Name));
    }
}
