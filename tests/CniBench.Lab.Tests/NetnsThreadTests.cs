namespace CniBench.Lab.Tests;

/// <summary>
/// Tests that start harness threads inside namespaces (probe engine, wire capture) and check afterwards that none
/// is left: they run alone, or another test's live threads would look like a leak.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetnsThreadTests
{
    public const string Name = "netns threads";
}
