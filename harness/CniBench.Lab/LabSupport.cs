using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab;

/// <summary>The kernel features lab variants need, as probed on this host.</summary>
/// <param name="Ipip">An <c>ipip</c> link can be created (module ipip).</param>
/// <param name="WireGuard">A kernel <c>wireguard</c> link can be created; without it the lab runs wireguard-go.</param>
/// <param name="Esp">An ESP security association with AES-GCM can be configured (IPsec).</param>
public sealed record KernelFeatures(bool Ipip, bool WireGuard, bool Esp);

/// <summary>Whether this host can build a <c>cni[+variant]</c> in the lab; <see cref="Reason"/> says why not, or how (kernel or userspace WireGuard).</summary>
public sealed record LabSupport(string Cluster, bool Runnable, string Reason);

/// <summary>
/// Decides whether a variant can be built here before anything is created: a kernel feature that is absent makes it
/// unsupported (with the feature named); a missing tool is a fault (it names the package), found when the lab starts.
/// </summary>
public static class LabSupportCheck
{
    private static readonly Lock Gate = new();
    private static Task<KernelFeatures>? _probed;

    /// <summary>The kernel features of this host, probed once per process (the kernel does not change under a run).</summary>
    public static Task<KernelFeatures> KernelFeaturesAsync(IProcessRunner runner, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (_probed is null || _probed.IsFaulted || _probed.IsCanceled)
            {
                _probed = LabPreflight.ProbeKernelAsync(runner, cancellationToken);
            }

            return _probed;
        }
    }

    /// <summary>Null when the lab can build <paramref name="model"/> on a host with <paramref name="features"/>; else the reason, naming the missing feature.</summary>
    public static string? Unsupported(ClusterId id, LabDatapathSpec model, KernelFeatures features)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        if (model.Encapsulation.Type == EncapsulationType.Ipip && !features.Ipip)
        {
            return $"{id}: this kernel cannot create ipip devices (module ipip / CONFIG_NET_IPIP missing)";
        }

        if (model.Encryption?.Type == EncryptionType.Ipsec && !features.Esp)
        {
            return $"{id}: kernel has no ESP (esp4 / CONFIG_INET_ESP with rfc4106(gcm(aes))), so IPsec cannot be built";
        }

        return null;
    }

    /// <summary>For <c>doctor</c>: every cluster the catalog names, runnable here or not, and why.</summary>
    public static async Task<IReadOnlyList<LabSupport>> ListAsync(CniCatalog catalog, IProcessRunner? runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var features = Environment.IsPrivilegedProcess && ToolPackages.Which("ip") is not null
            ? await KernelFeaturesAsync(runner ?? LocalProcessRunner.Instance, cancellationToken)
            : null;
        var result = new List<LabSupport>();
        foreach (var text in catalog.ClusterIds)
        {
            var id = ClusterId.Parse(text);
            var manifest = catalog[id.Cni];
            var model = id.Variant is null ? manifest.Lab : manifest.Variant(id.Variant)?.Lab;
            if (model is null)
            {
                result.Add(new(text, false, id.Variant is null ? LabProvider.NoLabModel(text) : LabProvider.NoVariantModel(text)));
                continue;
            }

            if (features is null)
            {
                result.Add(new(text, false, "not probed: the kernel probes need root and ip"));
                continue;
            }

            if (Unsupported(id, model, features) is { } reason)
            {
                result.Add(new(text, false, reason));
                continue;
            }

            result.Add(model.Encryption?.Type == EncryptionType.WireGuard
                ? WireGuardSupport(text, features)
                : new(text, true, "kernel datapath"));
        }

        return result;
    }

    private static LabSupport WireGuardSupport(string text, KernelFeatures features)
    {
        if (ToolPackages.Which("wg") is null)
        {
            return new(text, false, "needs 'wg': apt-get install wireguard-tools");
        }

        if (features.WireGuard)
        {
            return new(text, true, "kernel WireGuard");
        }

        return ToolPackages.Which("wireguard-go") is null
            ? new(text, false, "no kernel WireGuard and no wireguard-go: apt-get install wireguard-go")
            : new(text, true, "userspace wireguard-go (the kernel has no WireGuard module)");
    }
}
