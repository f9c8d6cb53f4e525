using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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
public sealed record PolicyLoadResult(IReadOnlyList<LoadedPolicy> Policies, IReadOnlyList<NetpolInputError> Errors)
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
            return new PolicyLoadResult([], [new NetpolInputError(path, 0, 0, string.Empty, "no such file or directory")]);
        }

        var policies = new List<LoadedPolicy>();
        var errors = new List<NetpolInputError>();
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
        // A first pass with the bare parser finds where documents end and, for broken input, the last
        // position that still parsed (the scanner can fail with exceptions that carry no position).
        if (!TryScanDocuments(text, out var documentEnds, out var syntaxError))
        {
            return Failed(new NetpolInputError(fileName, syntaxError.Line, syntaxError.Column, string.Empty, "not valid YAML: " + syntaxError.Message));
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var policies = new List<LoadedPolicy>();
        var errors = new List<NetpolInputError>();
        for (var d = 0; d < stream.Documents.Count; d++)
        {
            var root = stream.Documents[d].RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var index = new YamlPathIndex(root);
            NetpolInputError At(string field, string message)
            {
                var mark = index.Find(field);
                return new NetpolInputError(fileName, (int)mark.Line, (int)mark.Column, field, message);
            }

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
                policy = KubernetesYaml.Deserialize<V1NetworkPolicy>(DocumentText(text, root, documentEnds[d]), strict: true);
            }
            catch (YamlException e)
            {
                var field = index.PathAt(e.Start) ?? string.Empty;
                errors.Add(new NetpolInputError(fileName, (int)e.Start.Line, (int)e.Start.Column, field, Innermost(e)));
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

    private static PolicyLoadResult Failed(NetpolInputError error) => new([], [error]);

    private static void AddDuplicateErrors(List<LoadedPolicy> policies, List<NetpolInputError> errors)
    {
        foreach (var group in policies.GroupBy(p => p.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var duplicate in group.Skip(1))
            {
                errors.Add(new NetpolInputError(duplicate.File, duplicate.Line, 1, "metadata.name",
                    $"policy {duplicate.Id} is already defined at {first.File}:{first.Line}"));
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

    /// <summary>Where each document's content ends (the representation model does not keep end marks).</summary>
    private static bool TryScanDocuments(string text, out List<int> documentEnds, out (int Line, int Column, string Message) error)
    {
        documentEnds = [];
        error = default;
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.End;
                if (parser.Current is DocumentEnd end)
                {
                    documentEnds.Add((int)end.Start.Index);
                }
            }

            return true;
        }
        catch (YamlException e)
        {
            error = ((int)e.Start.Line, (int)e.Start.Column, Innermost(e));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner reports some malformed flow collections this way, without a position.
            error = ((int)last.Line, (int)last.Column, "the text after this point does not parse");
        }

        return false;
    }

    private static string Innermost(Exception e)
    {
        var message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            message = inner.Message;
        }

        // YamlDotNet prefixes the span, which the error already carries as line and column.
        var span = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && span > 0 ? message[(span + 3)..] : message;
    }
}
