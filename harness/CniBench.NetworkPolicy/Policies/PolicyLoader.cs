using CniBench.Core.Yaml;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.NetworkPolicy.Policies;

/// <summary>A validated policy and where it was written.</summary>
public sealed record LoadedPolicy(V1NetworkPolicy Policy, string File, int Line)
{
    public string Id => Policy.Metadata.NamespaceProperty + "/" + Policy.Metadata.Name;
}

/// <summary>
/// Either every policy from the input, or the errors; never a partial set, so that a bad file never
/// leaves some of its rules applied.
/// </summary>
public sealed record PolicyLoadResult(IReadOnlyList<LoadedPolicy> Policies, IReadOnlyList<InputError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Reads NetworkPolicy YAML (one file, several documents per file, or a folder of *.yaml/*.yml) with the
/// Kubernetes client's own deserializer, strictly: an unknown field is an error, not silently dropped.
/// </summary>
public static class PolicyLoader
{
    public const string ApiVersion = "networking.k8s.io/v1";
    public const string Kind = "NetworkPolicy";

    public static PolicyLoadResult LoadPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            return new PolicyLoadResult([], [new InputError(path, 0, 0, "no such file or directory")]);
        }

        var policies = new List<LoadedPolicy>();
        var errors = new List<InputError>();
        foreach (var file in files)
        {
            var result = LoadText(File.ReadAllText(file), file);
            policies.AddRange(result.Policies);
            errors.AddRange(result.Errors);
        }

        AddDuplicateErrors(policies, errors);
        return errors.Count > 0 ? new PolicyLoadResult([], errors) : new PolicyLoadResult(policies, []);
    }

    public static PolicyLoadResult LoadText(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<InputError>();
        if (YamlText.Parse(text, fileName, errors) is not { } documents)
        {
            return new PolicyLoadResult([], errors);
        }

        var policies = new List<LoadedPolicy>();
        for (var d = 0; d < documents.Roots.Count; d++)
        {
            var root = documents.Roots[d];
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var index = new YamlPathIndex(root);
            InputError At(string field, string message) => InputError.At(fileName, index.Find(field), message, field);

            if (root is not YamlMappingNode mapping)
            {
                errors.Add(At(string.Empty, $"not a NetworkPolicy: document {d + 1} is not a mapping"));
                continue;
            }

            var kind = Scalar(mapping, "kind");
            var apiVersion = Scalar(mapping, "apiVersion");
            if (kind != Kind || apiVersion != ApiVersion)
            {
                var field = kind != Kind ? "kind" : "apiVersion";
                errors.Add(At(field, $"not a NetworkPolicy: expected apiVersion {ApiVersion} and kind {Kind}, found " +
                    $"apiVersion {apiVersion ?? "(none)"} and kind {kind ?? "(none)"}"));
                continue;
            }

            V1NetworkPolicy policy;
            try
            {
                policy = KubernetesYaml.Deserialize<V1NetworkPolicy>(DocumentText(text, root, documents.Ends[d]), strict: true);
            }
            catch (YamlException e)
            {
                errors.Add(InputError.At(fileName, e.Start, YamlText.Innermost(e), index.PathAt(e.Start) ?? string.Empty));
                continue;
            }

            var violations = PolicyValidator.Validate(policy);
            errors.AddRange(violations.Select(v => At(v.Field, v.Message)));
            if (violations.Count == 0)
            {
                policies.Add(new LoadedPolicy(policy, fileName, (int)root.Start.Line));
            }
        }

        AddDuplicateErrors(policies, errors);
        return errors.Count > 0 ? new PolicyLoadResult([], errors) : new PolicyLoadResult(policies, []);
    }

    private static void AddDuplicateErrors(List<LoadedPolicy> policies, List<InputError> errors)
    {
        foreach (var group in policies.GroupBy(p => p.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var duplicate in group.Skip(1))
            {
                errors.Add(new InputError(duplicate.File, duplicate.Line, 1, $"policy {duplicate.Id} is already defined at {first.File}:{first.Line}")
                {
                    Field = "metadata.name",
                });
            }
        }
    }

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>
    /// The document's own text, padded so that the deserializer's line and column numbers are the file's.
    /// </summary>
    private static string DocumentText(string text, YamlNode root, int end)
    {
        var start = (int)root.Start.Index;
        return new string('\n', (int)root.Start.Line - 1) + new string(' ', (int)root.Start.Column - 1) + text[start..end];
    }
}
