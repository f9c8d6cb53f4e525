namespace CniBench.Workloads.Tests;

/// <summary>Recorded fixtures copied next to the test assembly.</summary>
internal static class TestAssets
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "testassets", relative);

    public static string Iperf3(string name) => File.ReadAllText(PathOf(Path.Combine("iperf3", name)));
}
