namespace CniBench.Workloads.Tests;

/// <summary>Recorded fixtures copied next to the test assembly.</summary>
internal static class TestAssets
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "testassets", relative);

    public static string Iperf3(string name) => File.ReadAllText(PathOf(Path.Combine("iperf3", name)));

    /// <summary>A recorded wrk run: its stdout and GNU time's stderr.</summary>
    public static (string Stdout, string Stderr) Wrk(string name) =>
        (File.ReadAllText(PathOf(Path.Combine("wrk", name + ".stdout.txt"))), File.ReadAllText(PathOf(Path.Combine("wrk", name + ".stderr.txt"))));

    /// <summary>A recorded sockperf or iperf2 client run: its stdout and stderr (sockperf's full log goes to stderr).</summary>
    public static (string Stdout, string Stderr) Recorded(string tool, string name) =>
        (File.ReadAllText(PathOf(Path.Combine(tool, name + ".stdout"))), File.ReadAllText(PathOf(Path.Combine(tool, name + ".stderr"))));
}
