using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CniBench.Lab;

/// <summary>
/// Names of lab objects. Everything a lab creates on the host is a network namespace named
/// <c>&lt;prefix&gt;-&lt;cni&gt;[-nN[-pM]|-sw]</c>, so a crashed run can be found and removed by prefix.
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
