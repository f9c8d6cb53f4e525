using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Core.Kinds;

/// <summary>
/// One test kind (tcp, udp, http, …) as a whole: the name a scenario uses, how its entry is read and checked, the
/// metrics its runs write and the runner that measures it. Every kind is one of these in one list
/// (<c>CniBench.Runs.TestKinds</c>): the scenario loader, the planner (through <see cref="TestSettings"/>) and the
/// metric registry know a kind only through it, so a new kind is one folder and one line in that list.
/// </summary>
public interface ITestKindDefinition
{
    string Name { get; }

    /// <summary>
    /// One test entry of this kind: its own keys through <see cref="TestReader.Map"/> (each read declares its key; the
    /// loader reports the rest), the keys every kind shares (durations, topologies, repetitions) through the reader's
    /// rules. Problems go to the reader, never thrown; a wrong value reads as its fallback so that reading goes on.
    /// </summary>
    TestSpec Read(TestReader reader);

    /// <summary>The metrics only this kind writes and the report criteria its rows feed (shared metrics: <see cref="SharedMetrics"/>).</summary>
    MetricDeclarations Metrics { get; }

    /// <summary>A runner for one run: runners keep state within a run (the saturation rate a fixed-rate variant halves).</summary>
    ITestKind CreateRunner(TimeProvider time);
}
