using System.Globalization;
using System.Security.Cryptography;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab;

/// <summary>One line of <c>cnibench doctor</c>: a feature the lab may need, whether this host has it, and what to do if not.</summary>
public sealed record PreflightCheck(string Feature, bool Ok, string Detail);

/// <summary>
/// What this host can do for the lab: root, the tools, and which kernel link types can be created
/// (probed for real inside a throwaway <c>cnb-probe-&lt;pid&gt;-…</c> namespace that is always removed).
/// </summary>
public static class LabPreflight
{
    private const string ProbePrefix = "cnb-probe-";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The link types probed and the arguments each needs; the addresses are never used to send anything.</summary>
    internal static IReadOnlyList<(string Feature, string[] Arguments, string Fix)> LinkProbes { get; } =
    [
        ("link:veth", ["link", "add", "p-veth", "type", "veth", "peer", "name", "p-veth-b"], "kernel needs CONFIG_VETH"),
        ("link:bridge", ["link", "add", "p-bridge", "type", "bridge"], "kernel needs CONFIG_BRIDGE"),
        ("link:vxlan", ["link", "add", "p-vxlan", "type", "vxlan", "id", "1", "dstport", "8472", "local", "198.18.0.1"], "kernel needs CONFIG_VXLAN (flannel, canal, cilium, weave)"),
        ("link:wireguard", ["link", "add", "p-wg", "type", "wireguard"], "kernel needs CONFIG_WIREGUARD (or use wireguard-go in userspace)"),
        ("link:ipip", ["link", "add", "p-ipip", "type", "ipip", "local", "198.18.0.1", "remote", "198.18.0.2"], "kernel needs CONFIG_NET_IPIP (calico IP-in-IP)"),
        ("link:geneve", ["link", "add", "p-geneve", "type", "geneve", "id", "1", "remote", "198.18.0.2"], "kernel needs CONFIG_GENEVE (cilium geneve)"),
    ];

    public static async Task<IReadOnlyList<PreflightCheck>> RunAsync(IProcessRunner? runner, CancellationToken cancellationToken)
    {
        runner ??= LocalProcessRunner.Instance;
        var checks = new List<PreflightCheck>
        {
            Environment.IsPrivilegedProcess
                ? new("root", true, "running as root")
                : new("root", false, "the lab creates network namespaces: run as root (sudo)"),
        };
        foreach (var (tool, package) in new[] { ("ip", "iproute2"), ("bridge", "iproute2"), ("nft", "nftables"), ("conntrack", "conntrack"), ("sysctl", "procps") })
        {
            var path = ToolPackages.Which(tool);
            checks.Add(path is null
                ? new($"tool:{tool}", false, $"not installed: apt-get install {package}")
                : new($"tool:{tool}", true, path));
        }

        // Tools of single tests and variants: without them only what needs them fails, with the package named.
        foreach (var (tool, package, usedBy) in new[]
        {
            ("wrk", "wrk", "http and ingress tests"), ("time", "time", "http test (load generator CPU)"),
            ("sockperf", "sockperf", "rr test (request/response latency)"), ("iperf", "iperf", "crr test (iperf2 connect-only)"),
            ("nginx", "nginx", "http backends, nginx ingress"), ("haproxy", "haproxy", "haproxy ingress"),
            ("wg", "wireguard-tools", "WireGuard variants"), ("wireguard-go", "wireguard-go", "WireGuard variants without the kernel module"),
            ("chromium", "chromium", "the report's browser check and report.png"),
            ("modprobe", "kmod", "bridged models, to load br_netfilter where it is a module"),
        })
        {
            var path = ToolPackages.Which(tool);
            checks.Add(path is null
                ? new($"tool:{tool}", false, $"not installed: apt-get install {package} (needed by {usedBy})")
                : new($"tool:{tool}", true, path));
        }

        checks.Add(BridgeNetfilter.IsLoadedOnThisHost()
            ? new("br_netfilter", true, "loaded (bridged models need it)")
            : new("br_netfilter", true, "not loaded yet: the first bridged lab loads it (modprobe br_netfilter)"));

        if (!Environment.IsPrivilegedProcess || ToolPackages.Which("ip") is null)
        {
            checks.Add(new("kernel probes", false, "skipped: they need root and ip"));
            return checks;
        }

        var probe = ProbeNamespace();
        try
        {
            var created = await runner.RunAsync(new ProcessSpec("ip", ["netns", "add", probe]) { Timeout = ProbeTimeout }, cancellationToken);
            if (!created.Succeeded)
            {
                checks.Add(new("netns", false, $"cannot create a network namespace: {created.StandardError.Trim()}"));
                return checks;
            }

            checks.Add(new("netns", true, "network namespaces can be created"));
            foreach (var (feature, arguments, fix) in LinkProbes)
            {
                var result = await runner.RunAsync(new ProcessSpec("ip", ["-n", probe, .. arguments]) { Timeout = ProbeTimeout }, cancellationToken);
                checks.Add(result.Succeeded
                    ? new(feature, true, "can be created")
                    : new(feature, false, $"{result.StandardError.Trim()} ({fix})"));
            }

            checks.Add(await ProbeEspAsync(runner, probe, cancellationToken));
            checks.Add(await ProbeNftAsync(runner, probe, cancellationToken));
        }
        finally
        {
            await runner.RunAsync(new ProcessSpec("ip", ["netns", "del", probe]) { Timeout = ProbeTimeout }, CancellationToken.None);
        }

        return checks;
    }

    /// <summary>
    /// Probes the kernel features lab variants need (ipip, WireGuard, ESP) in a throwaway <c>cnb-probe-</c> namespace,
    /// always removed. Needs root; no packet is ever sent.
    /// </summary>
    public static async Task<KernelFeatures> ProbeKernelAsync(IProcessRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var probe = ProbeNamespace();
        var created = await runner.RunAsync(new ProcessSpec("ip", ["netns", "add", probe]) { Timeout = ProbeTimeout }, cancellationToken);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"cannot create a network namespace to probe the kernel: {created.StandardError.Trim()}");
        }

        try
        {
            async Task<bool> CanCreate(string feature)
            {
                var arguments = LinkProbes.Single(p => p.Feature == feature).Arguments;
                return (await runner.RunAsync(new ProcessSpec("ip", ["-n", probe, .. arguments]) { Timeout = ProbeTimeout }, cancellationToken)).Succeeded;
            }

            var ipip = await CanCreate("link:ipip");
            var wireGuard = await CanCreate("link:wireguard");
            var esp = (await ProbeEspAsync(runner, probe, cancellationToken)).Ok;
            return new KernelFeatures(ipip, wireGuard, esp);
        }
        finally
        {
            await runner.RunAsync(new ProcessSpec("ip", ["netns", "del", probe]) { Timeout = ProbeTimeout }, CancellationToken.None);
        }
    }

    /// <summary>The PID in a <c>cnb-probe-&lt;pid&gt;-xxxx</c> name, so a sweep leaves a running doctor's namespace alone.</summary>
    public static int? TryParseProbeOwner(string ns)
    {
        if (!ns.StartsWith(ProbePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[ProbePrefix.Length..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        var digits = dash < 0 ? rest : rest[..dash];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static string ProbeNamespace() =>
        $"{ProbePrefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";

    // An ESP security association with AES-GCM: what IPsec-based encryption (e.g. Calico/Cilium IPsec) would need.
    private static async Task<PreflightCheck> ProbeEspAsync(IProcessRunner runner, string probe, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(
            new ProcessSpec("ip", ["-n", probe, "xfrm", "state", "add", "src", "198.18.0.1", "dst", "198.18.0.2", "proto", "esp", "spi", "0x100",
                "aead", "rfc4106(gcm(aes))", "0x" + new string('1', 40), "128"]) { Timeout = ProbeTimeout },
            cancellationToken);
        return result.Succeeded
            ? new("xfrm:esp", true, "ESP with rfc4106(gcm(aes)) can be configured")
            : new("xfrm:esp", false, $"{result.StandardError.Trim()} (kernel needs CONFIG_INET_ESP and AES-GCM for IPsec encryption)");
    }

    private static async Task<PreflightCheck> ProbeNftAsync(IProcessRunner runner, string probe, CancellationToken cancellationToken)
    {
        if (ToolPackages.Which("nft") is null)
        {
            return new("nftables", false, "nft is not installed: apt-get install nftables");
        }

        var result = await new NetnsProcessRunner(probe, runner).RunAsync(
            new ProcessSpec("nft", ["add", "table", "inet", "cnbprobe"]) { Timeout = ProbeTimeout }, cancellationToken);
        return result.Succeeded
            ? new("nftables", true, "a table can be created inside a lab namespace")
            : new("nftables", false, $"{result.StandardError.Trim()} (kernel needs CONFIG_NF_TABLES)");
    }
}
