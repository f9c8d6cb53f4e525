using System.Text;

namespace CniBench.Ingress;

/// <summary>Names for upstreams/backends that nginx and HAProxy accept, unique by a prefix index.</summary>
internal static class ConfigNames
{
    public static string ClusterName(string prefix, int index, string clusterId)
    {
        var builder = new StringBuilder(prefix).Append(index).Append('_');
        foreach (var c in clusterId)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>A regular expression for a Kubernetes wildcard host: exactly one label before the suffix.</summary>
    public static string WildcardRegex(string wildcardHost) =>
        "^[^.]+" + wildcardHost[1..].Replace(".", "\\.", StringComparison.Ordinal) + "$";
}
