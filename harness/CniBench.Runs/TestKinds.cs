using CniBench.Core.Planning;
using CniBench.NetworkPolicy.Conformance;
using CniBench.Workloads;

namespace CniBench.Runs;

/// <summary>Every test kind a run can measure, by the name a scenario uses: the one place a kind is registered for a run.</summary>
public static class TestKinds
{
    public static IReadOnlyDictionary<string, ITestKind> Create(TimeProvider time) =>
        new Dictionary<string, ITestKind>(WorkloadKinds.Create(), StringComparer.Ordinal) { ["netpol"] = new NetpolKind(time) };
}
