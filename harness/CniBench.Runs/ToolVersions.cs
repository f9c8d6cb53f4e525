using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Runs;

/// <summary>Versions of the external tools, for run.json.</summary>
public static class ToolVersions
{
    private static readonly (string Name, string[] Argv)[] Probes =
    [
        ("iperf3", ["iperf3", "--version"]),
        ("sockperf", ["sockperf", "--version"]),
        ("iperf2", ["iperf", "--version"]),
        ("iproute2", ["ip", "-V"]),
        ("nftables", ["nft", "--version"]),
    ];

    public static async Task<IReadOnlyDictionary<string, string>> CollectAsync(CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal) { ["dotnet"] = Environment.Version.ToString() };
        foreach (var (name, argv) in Probes)
        {
            versions[name] = await FirstLineAsync(argv, cancellationToken) ?? "not installed";
        }

        return versions;
    }

    public static async Task<string?> FirstLineAsync(string[] argv, CancellationToken cancellationToken)
    {
        try
        {
            var result = await LocalProcessRunner.Instance.RunAsync(
                new ProcessSpec(argv[0], argv[1..]) { Timeout = TimeSpan.FromSeconds(5) }, cancellationToken);
            var text = string.IsNullOrWhiteSpace(result.StandardOutput) ? result.StandardError : result.StandardOutput;
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        }
        catch (Exception ex) when (ex is ToolMissingException or InvalidOperationException or ProcessTimeoutException)
        {
            return null;
        }
    }
}
