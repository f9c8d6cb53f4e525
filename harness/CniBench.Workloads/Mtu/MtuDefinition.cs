using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Mtu;

/// <summary>The <c>mtu</c> test: the path MTU between two pods, next to what the pod's interface claims.</summary>
public sealed class MtuDefinition : ITestKindDefinition
{
    public string Name => MtuKind.TestName;

    /// <summary>
    /// The path MTU matters where packets leave the node, so cross-node is the default. A path MTU is a property of
    /// the pod-to-pod path; a Service adds no hop of its own, so it is not a topology of this test.
    /// </summary>
    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new TestSpec
        {
            Test = Name,
            Topologies = reader.Topologies([Topologies.CrossNode], [Topologies.SameNode, Topologies.CrossNode]),
            Repetitions = reader.Repetitions(),
            Settings = new MtuTestSpec(),
        };
    }

    public ITestKind CreateRunner(TimeProvider time) => new MtuKind();

    public MetricDeclarations Metrics => MtuMetrics.Declarations;
}
