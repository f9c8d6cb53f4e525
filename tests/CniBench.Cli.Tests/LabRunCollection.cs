namespace CniBench.Cli.Tests;

/// <summary>
/// Test classes that start real lab runs share this collection, so they run one after the other: every run sweeps
/// the labs of dead runs when it starts, and a run of one class could otherwise sweep the lab another class is
/// checking (a test that kills a run and expects the next run's sweep to report that lab failed this way once).
/// </summary>
internal static class LabRunCollection
{
    public const string Name = "lab runs";
}
