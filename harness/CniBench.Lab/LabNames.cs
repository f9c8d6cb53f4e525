using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CniBench.Core.Clusters;

namespace CniBench.Lab;

/// <summary>
/// Names of lab objects. Everything a lab creates on the host is a network namespace named
/// <c>&lt;prefix&gt;-&lt;cni&gt;[.&lt;variant&gt;][-nN[-pM]|-sw]</c>, so a crashed run can be found and removed by prefix.
/// A variant joins with '.', not '-': <c>cnb-3fa2-calico</c> must not claim <c>cnb-3fa2-calico.wg-n1</c> as one of its parts.
/// </summary>
public static partial class LabNames
{
    /// <summary>What every CniBench namespace starts with.</summary>
    public const string Root = "cnb-";

    /// <summary>A fresh run prefix such as <c>cnb-3fa2</c>.</summary>
    public static string NewRunPrefix() => Root + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));

    /// <summary>A run prefix is <c>cnb-</c> and 1 to 16 lower-case letters or digits.</summary>
    public static bool IsValidRunPrefix(string prefix) => RunPrefixPattern().IsMatch(prefix);

    public static string Lab(string runPrefix, string cni) => $"{runPrefix}-{cni}";

    /// <summary>The lab of a CNI in one of its variants: <c>cnb-3fa2-calico.wg</c> for <c>calico+wireguard</c>.</summary>
    public static string Lab(string runPrefix, ClusterId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Variant is null ? Lab(runPrefix, id.Cni) : $"{runPrefix}-{id.Cni}.{VariantTag(id.Variant)}";
    }

    /// <summary>A short tag for a variant in namespace names; names stay readable in <c>ip netns</c> listings.</summary>
    public static string VariantTag(string variant) => variant switch
    {
        "wireguard" => "wg",
        "native-routing" => "native",
        _ => variant.Replace("-", "", StringComparison.Ordinal),
    };

    /// <summary>
    /// The WireGuard device of a node namespace: unique on the host, because wireguard-go's control socket
    /// (/var/run/wireguard/&lt;device&gt;.sock) is shared by all namespaces, and within the kernel's 15 characters.
    /// Derived from the namespace name alone, so teardown after a crash can find the socket without any state.
    /// </summary>
    public static string WireGuardDevice(string nodeNamespace) =>
        "cnbwg" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeNamespace)))[..8];

    public static string Switch(string lab) => $"{lab}-sw";

    public static string Node(string lab, int node) => $"{lab}-{NodeName(node)}";

    public static string Pod(string lab, int node, int pod) => $"{lab}-{PodName(node, pod)}";

    public static string NodeName(int node) => $"n{node}";

    public static string PodName(int node, int pod) => $"n{node}-p{pod}";

    /// <summary>Whether <paramref name="name"/> is <paramref name="labOrPrefix"/> itself or one of its parts.</summary>
    public static bool BelongsTo(string name, string labOrPrefix) =>
        name == labOrPrefix || name.StartsWith(labOrPrefix + "-", StringComparison.Ordinal);

    [GeneratedRegex("^cnb-[a-z0-9]{1,16}$")]
    private static partial Regex RunPrefixPattern();
}
