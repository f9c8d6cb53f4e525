namespace CniBench.Processes;

/// <summary>Which Debian package provides each program CniBench runs, so errors can say what to install.</summary>
public static class ToolPackages
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["ip"] = "iproute2",
        ["ss"] = "iproute2",
        ["nft"] = "nftables",
        ["conntrack"] = "conntrack",
        ["iperf3"] = "iperf3",
        ["sockperf"] = "sockperf",
        ["iperf"] = "iperf",
        ["sysctl"] = "procps",
        ["pgrep"] = "procps",
        ["kill"] = "procps",
        ["ping"] = "iputils-ping",
        ["wg"] = "wireguard-tools",
        ["wireguard-go"] = "wireguard-go",
        ["wrk"] = "wrk",
        ["time"] = "time",
        ["nginx"] = "nginx",
        ["haproxy"] = "haproxy",
        ["tcpdump"] = "tcpdump",
        ["chromium"] = "chromium",
        ["modprobe"] = "kmod",
        ["taskset"] = "util-linux",
        ["nice"] = "coreutils",
    };

    public static IReadOnlyDictionary<string, string> All => Packages;

    public static bool TryGetPackage(string program, out string package) =>
        Packages.TryGetValue(Path.GetFileName(program), out package!);

    public static bool IsOnPath(string program) => Which(program) is not null;

    public static string? Which(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        // Root's PATH always has the sbin folders where ip and nft live; add them for non-login shells.
        foreach (var dir in path.Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
