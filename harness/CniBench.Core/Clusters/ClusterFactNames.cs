namespace CniBench.Core.Clusters;

/// <summary>Names of the <see cref="ICluster.Facts"/> that code reads back from run.json, not only people.</summary>
public static class ClusterFactNames
{
    /// <summary>
    /// The lab's datapath with every name left out: equal for two clusters whose packets take the same kernel path,
    /// which makes them an A/A pair whose gap is the run's noise floor.
    /// </summary>
    public const string DatapathFingerprint = "lab.datapath_fingerprint";

    /// <summary>What carries the encryption: <c>kernel</c> or <c>wireguard-go &lt;version&gt;</c> for WireGuard, kernel xfrm for IPsec.</summary>
    public const string Implementation = "implementation";

    /// <summary>The prefix of a userspace WireGuard <see cref="Implementation"/>: a stand-in for the kernel WireGuard the CNI uses.</summary>
    public const string WireGuardGo = "wireguard-go";
}
