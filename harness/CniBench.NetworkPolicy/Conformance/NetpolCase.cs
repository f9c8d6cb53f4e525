using CniBench.Core.Yaml;
using CniBench.NetworkPolicy.Policies;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>One conformance case: a file of NetworkPolicies plus the header comments that describe it.</summary>
public sealed record NetpolCase(string Name, string File, string Covers, string Expect, IReadOnlyList<LoadedPolicy> Policies)
{
    /// <summary>Reads <c>&lt;suite&gt;/&lt;name&gt;.yaml</c>; policy errors come back in the result, never half-loaded.</summary>
    public static (NetpolCase? Case, IReadOnlyList<InputError> Errors) Load(string suite, string name)
    {
        var file = Path.Combine(suite, name + ".yaml");
        if (!System.IO.File.Exists(file))
        {
            return (null, [new InputError(file, 0, 0, "no such case file")]);
        }

        var loaded = PolicyLoader.LoadPath(file);
        if (!loaded.Succeeded)
        {
            return (null, loaded.Errors);
        }

        var header = System.IO.File.ReadLines(file).TakeWhile(l => l.StartsWith('#')).ToList();
        return (new NetpolCase(name, file, Header(header, "covers"), Header(header, "expect"), loaded.Policies), []);
    }

    private static string Header(List<string> lines, string key) =>
        lines.Select(l => l.TrimStart('#').Trim())
            .FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal))?[(key.Length + 1)..].Trim() ?? "";
}
