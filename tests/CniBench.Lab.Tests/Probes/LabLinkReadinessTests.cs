using CniBench.Lab.Probes;

namespace CniBench.Lab.Tests.Probes;

public sealed class LabLinkReadinessTests
{
    [Fact]
    public void ParseLinksNotUp_AdminUpLinkStillDown_ReportsOnlyThatLink()
    {
        // Recorded shape of `ip -j link show`: lo and a vxlan settle at UNKNOWN, a fresh veth is DOWN until activated.
        const string json = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"operstate":"UNKNOWN"},
             {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"DOWN"},
             {"ifindex":3,"ifname":"flannel.1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"UNKNOWN"},
             {"ifindex":4,"ifname":"veth1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"UP"},
             {"ifindex":5,"ifname":"spare","flags":["BROADCAST","MULTICAST"],"operstate":"DOWN"}]
            """;

        var notUp = LabLinkReadiness.ParseLinksNotUp("cnb-1-n1", json);

        Assert.Equal(["cnb-1-n1:eth0(DOWN)"], notUp);
    }

    [Fact]
    public void ParseLinksNotUp_EmptyOutput_NothingPending() =>
        Assert.Empty(LabLinkReadiness.ParseLinksNotUp("cnb-1-n1", ""));
}
