using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.Kubernetes.Catalog;

/// <summary>One object of a manifest, ready for server-side apply.</summary>
public sealed record ManifestObject(string ApiVersion, string Kind, string? Namespace, string Name, JsonObject Body)
{
    /// <summary>API group; empty for the core group (<c>v1</c>).</summary>
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

    public string Version => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[(ApiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : ApiVersion;

    /// <summary>
    /// The resource name, by the guess Kubernetes itself applies to kinds without discovery (lower case;
    /// y→ies after a consonant; s/x/ch/sh→+es; else +s). Right for every kind in the catalog's manifests.
    /// </summary>
    public string Plural
    {
        get
        {
            var kind = Kind.ToLowerInvariant();
            if (kind.EndsWith('y') && kind.Length > 1 && !"aeiou".Contains(kind[^2], StringComparison.Ordinal))
            {
                return kind[..^1] + "ies";
            }

            return kind.EndsWith('s') || kind.EndsWith('x') || kind.EndsWith("ch", StringComparison.Ordinal) || kind.EndsWith("sh", StringComparison.Ordinal)
                ? kind + "es"
                : kind + "s";
        }
    }

    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>Splits multi-document manifest YAML into objects (flattening <c>kind: List</c>), as JSON bodies.</summary>
public static class ManifestObjects
{
    // Upstream manifests sometimes give cluster-scoped objects a namespace (calico.yaml v3.32.1 does for one
    // ClusterRole); like kubectl, ignore it, or the namespaced URL would 404.
    private static readonly HashSet<string> ClusterScopedKinds = new(StringComparer.Ordinal)
    {
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "StorageClass",
        "IngressClass", "RuntimeClass", "CSIDriver", "APIService", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PersistentVolume", "Node",
    };

    public static IReadOnlyList<ManifestObject> Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{source}:{ex.Start.Line}:{ex.Start.Column}: invalid YAML: {ex.Message}", ex);
        }

        var result = new List<ManifestObject>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                continue;
            }

            if (ToJson(document.RootNode) is not JsonObject body)
            {
                throw new FormatException($"{source}:{document.RootNode.Start.Line}: a manifest document must be a mapping");
            }

            Add(body, source, result);
        }

        return result;
    }

    private static void Add(JsonObject body, string source, List<ManifestObject> result)
    {
        var kind = (string?)body["kind"];
        if (kind is "List" && body["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                Add((JsonObject)item.DeepClone(), source, result);
            }

            return;
        }

        var apiVersion = (string?)body["apiVersion"];
        var name = (string?)body["metadata"]?["name"];
        var ns = (string?)body["metadata"]?["namespace"];
        if (ns is not null && kind is not null && ClusterScopedKinds.Contains(kind) && body["metadata"] is JsonObject metadata)
        {
            metadata.Remove("namespace");
            ns = null;
        }
        if (apiVersion is null || kind is null || name is null)
        {
            throw new FormatException($"{source}: an object lacks apiVersion, kind or metadata.name");
        }

        result.Add(new ManifestObject(apiVersion, kind, ns, name, body));
    }

    // Plain scalars follow YAML's core schema (bool, int, float, null); quoted ones stay strings.
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException($"unsupported YAML node at line {node.Start.Line}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && !HasLeadingZero(text) => JsonValue.Create(integer),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && text.Contains('.', StringComparison.Ordinal) && !HasLeadingZero(text) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }

    private static bool HasLeadingZero(string text) => text.TrimStart('-', '+') is { Length: > 1 } digits && digits[0] == '0' && digits[1] != '.';
}
