using CniBench.Core.Processes;

namespace CniBench.Lab;

/// <summary>
/// Bridged lab models (flannel, canal's bridge, weave, kube-router) need br_netfilter: without it bridged pod-to-pod
/// packets never reach the inet forward hook where policies and conntrack live, and the <c>net.bridge.*</c> sysctls the
/// lab sets do not exist. On a modular kernel nothing loads it until someone asks (Docker and kubeadm's node set-up do),
/// so a fresh host has no <c>/proc/sys/net/bridge</c>: the lab loads the module itself rather than trust an earlier
/// run's host. A kernel with br_netfilter built in has the folder from boot, and nothing is run.
/// </summary>
internal static class BridgeNetfilter
{
    public const string Module = "br_netfilter";

    /// <summary>Present once br_netfilter is loaded (or built in); the sysctl every bridged lab node sets.</summary>
    public const string SysctlPath = "/proc/sys/net/bridge/bridge-nf-call-iptables";

    private static readonly TimeSpan ModprobeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Loads br_netfilter unless <paramref name="isLoaded"/> already says so; throws with the fix when it cannot.</summary>
    public static async Task EnsureLoadedAsync(IProcessRunner runner, Func<bool> isLoaded, CancellationToken cancellationToken)
    {
        if (isLoaded())
        {
            return;
        }

        var result = await runner.RunAsync(new ProcessSpec("modprobe", [Module]) { Timeout = ModprobeTimeout }, cancellationToken);
        if (!result.Succeeded || !isLoaded())
        {
            throw new LabCommandException(
                $"bridged lab models need the kernel module {Module} ({SysctlPath} is missing), and 'modprobe {Module}' " +
                $"failed: {(result.Succeeded ? "it returned, but the sysctl did not appear" : result.StandardError.Trim())}; " +
                "load it as root (modprobe br_netfilter, package kmod) or use a kernel with CONFIG_BRIDGE_NETFILTER");
        }
    }

    public static bool IsLoadedOnThisHost() => File.Exists(SysctlPath);
}
