using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Tcp;
using CniBench.Workloads.Udp;

namespace CniBench.Core.Tests.Planning;

public sealed class RunPlannerTests
{
    private static ScenarioSpec Scenario(bool underlay = true) => new()
    {
        Name = "t",
        Cnis = ["flannel", "calico"],
        Underlay = underlay,
        Repetitions = 2,
        Tests =
        [
            new TestSpec { Test = "tcp", Settings = new TcpTestSpec { Streams = [1, 4] } },
            new TestSpec { Test = "udp", Settings = new UdpTestSpec { BitratesBps = [1_000_000_000] }, Topologies = ["cross-node"], Repetitions = 1 },
        ],
    };

    [Fact]
    public void Create_TwoCnisWithUnderlay_UnderlayOnlyCrossNode()
    {
        var plan = RunPlanner.Create(Scenario(), "r1");

        Assert.Equal(["underlay", "flannel", "calico"], plan.Clusters);
        Assert.DoesNotContain(plan.Measurements, m => m.Key.Cni == "underlay" && m.Key.Topology == "same-node");
        // tcp: 2 reps × 2 variants × (same-node: 2 CNIs + cross-node: 3) = 20; udp: 1 rep × 1 variant × 3 = 3.
        Assert.Equal(23, plan.Measurements.Count);
    }

    [Fact]
    public void Create_RepetitionsAreOuterLoop_EveryCniMeasuredBeforeAnyRepeats()
    {
        var plan = RunPlanner.Create(Scenario(), "r1");

        var firstRepeat = plan.Measurements.ToList().FindIndex(m => m.Key.Repetition == 2);
        var firstRound = plan.Measurements.Take(firstRepeat).Select(m => m.Key.Cni).Distinct();
        Assert.Equal(["calico", "flannel", "underlay"], firstRound.Order());
        Assert.All(plan.Measurements.Skip(firstRepeat), m => Assert.Equal(2, m.Key.Repetition));
    }

    [Fact]
    public void Variants_TcpStreamsAndUdpBitrates_HaveReadableNames()
    {
        Assert.Equal(["1-stream", "4-streams"], RunPlanner.Variants(new TestSpec { Test = "tcp", Settings = new TcpTestSpec { Streams = [1, 4] } }).Select(v => v.Name));
        var udp = RunPlanner.Variants(new TestSpec { Test = "udp", Settings = new UdpTestSpec { Streams = [1, 2], BitratesBps = [500_000_000] } });
        Assert.Equal(["500M", "500M-2-streams"], udp.Select(v => v.Name));
        Assert.Equal(500_000_000, udp[1].BitrateBps);
    }
}
