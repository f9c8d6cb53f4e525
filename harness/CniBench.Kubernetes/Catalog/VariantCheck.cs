using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CniBench.Catalog;
using k8s;

namespace CniBench.Kubernetes.Catalog;

public enum VariantState
{
    /// <summary>Every setting the catalog names for the variant is in place.</summary>
    Active,

    /// <summary>At least one setting is missing or different.</summary>
    NotActive,

    /// <summary>Nothing contradicts it, but some setting could not be read (e.g. helm values without helm).</summary>
    Unknown,
}

/// <summary>Whether a running CNI is in a variant's mode, and what was (or could not be) checked.</summary>
public sealed record VariantCheckResult(VariantState State, string Detail);

/// <summary>
/// Checks, by reading only, whether a cluster runs a variant: its Secret exists, each patch is already contained in
/// its object, and each Helm value is what the release runs with. This is what the catalog sets, not proof that the
/// datapath encrypts: only the on-the-wire check shows that.
/// </summary>
public static class VariantCheck
{
    private const int ValueShown = 80;

    public static async Task<VariantCheckResult> CheckAsync(
        IKubernetes client,
        string clusterName,
        KubernetesInstallSpec install,
        EncryptionVariantSpec variant,
        Func<HelmChartSpec, Task<(JsonNode? Values, string? WhyNot)>> helmValues,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(install);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(helmValues);
        var missing = new List<string>();
        var unknown = new List<string>();
        var checkedItems = new List<string>();
        if (variant.Secret is { } secret)
        {
            checkedItems.Add($"Secret {secret.Namespace}/{secret.Name}");
            if (!await VariantSecret.ExistsAsync(client, clusterName, secret, cancellationToken))
            {
                missing.Add($"Secret {secret.Namespace}/{secret.Name} does not exist");
            }
        }

        foreach (var patch in variant.Patches)
        {
            var what = patch.Namespace is null ? $"{patch.Kind} {patch.Name}" : $"{patch.Kind} {patch.Namespace}/{patch.Name}";
            checkedItems.Add(what);
            var current = await ReadAsync(client, clusterName, patch, cancellationToken);
            if (current.Unreadable is { } why)
            {
                unknown.Add($"{what}: {why}");
            }
            else if (current.Body is null)
            {
                missing.Add($"{what} does not exist");
            }
            else if (FirstDifference(JsonNode.Parse(patch.Patch), current.Body, "", patch.Type == PatchType.Strategic) is { } difference)
            {
                missing.Add($"{what}: {difference}");
            }
        }

        if (variant.HelmValues.Count > 0)
        {
            if (install.Helm is not { } chart)
            {
                unknown.Add("the variant has Helm values but the CNI is not installed by Helm");
            }
            else
            {
                checkedItems.Add($"Helm release {chart.Namespace}/{chart.Release}");
                var (values, whyNot) = await helmValues(chart);
                if (values is null)
                {
                    unknown.Add(whyNot ?? "the release's values were not read");
                }
                else
                {
                    missing.AddRange(variant.HelmValues.Select(v => HelmValueDifference(values, v.Key, v.Value)).OfType<string>().Select(d => $"Helm release {chart.Release}: {d}"));
                }
            }
        }

        if (missing.Count > 0)
        {
            return new VariantCheckResult(VariantState.NotActive, string.Join("; ", missing));
        }

        return unknown.Count > 0
            ? new VariantCheckResult(VariantState.Unknown, string.Join("; ", unknown))
            : new VariantCheckResult(VariantState.Active, $"checked {string.Join(", ", checkedItems)}");
    }

    /// <summary>
    /// Where <paramref name="have"/> does not already contain <paramref name="want"/> (a merge or strategic patch), as
    /// <c>path is X, the variant sets Y</c>; null when applying the patch would change nothing. Strategic lists of
    /// objects are matched by <c>name</c>, as containers and env entries merge. String values that hold JSON (a
    /// ConfigMap's net-conf.json) compare as JSON, so formatting does not count.
    /// </summary>
    public static string? FirstDifference(JsonNode? want, JsonNode? have, string path, bool strategic)
    {
        switch (want)
        {
            case JsonObject wantObject:
                if (have is not JsonObject haveObject)
                {
                    return Differs(path, have, want);
                }

                foreach (var (key, value) in wantObject)
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    haveObject.TryGetPropertyValue(key, out var child);
                    var difference = value is null
                        ? child is null ? null : $"{childPath} is set, the variant removes it"
                        : FirstDifference(value, child, childPath, strategic);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonArray wantArray when strategic && wantArray.All(e => e is JsonObject o && o["name"] is JsonValue):
                if (have is not JsonArray haveArray)
                {
                    return Differs(path, have, want);
                }

                foreach (var element in wantArray.OfType<JsonObject>())
                {
                    var name = element["name"]!.GetValue<string>();
                    var match = haveArray.OfType<JsonObject>().FirstOrDefault(h => h["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String && n.GetValue<string>() == name);
                    var difference = match is null ? $"{path}[name={name}] is absent" : FirstDifference(element, match, $"{path}[name={name}]", strategic);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(want, have) || SameJsonText(want, have) ? null : Differs(path, have, want);
        }
    }

    private static string? HelmValueDifference(JsonNode values, string dottedKey, string wanted)
    {
        JsonNode? node = values;
        foreach (var part in dottedKey.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        }

        var actual = node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };
        return actual == wanted ? null : $"{dottedKey} is {(actual is null ? "absent" : Shorten(actual))}, the variant sets {Shorten(wanted)}";
    }

    private static bool SameJsonText(JsonNode? want, JsonNode? have)
    {
        if (want is not JsonValue w || have is not JsonValue h || w.GetValueKind() != JsonValueKind.String || h.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(w.GetValue<string>()), JsonNode.Parse(h.GetValue<string>()));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Differs(string path, JsonNode? have, JsonNode? want) =>
        $"{(path.Length == 0 ? "the object" : path)} is {(have is null ? "absent" : Shorten(Text(have)))}, the variant sets {Shorten(Text(want))}";

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "null";

    private static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= ValueShown ? oneLine : string.Concat(oneLine.AsSpan(0, ValueShown), "…");
    }

    /// <summary>The object as JSON; Body null when it does not exist; Unreadable when its kind cannot be read here.</summary>
    private readonly record struct Current(JsonNode? Body, string? Unreadable);

    private static async Task<Current> ReadAsync(IKubernetes client, string clusterName, ResourcePatchSpec spec, CancellationToken cancellationToken)
    {
        var target = new ManifestObject(spec.ApiVersion, spec.Kind, spec.Namespace, spec.Name, []);
        try
        {
            object? body = (target.Group, spec.Kind, spec.Namespace) switch
            {
                ("", "ConfigMap", { } ns) => await client.CoreV1.ReadNamespacedConfigMapAsync(spec.Name, ns, cancellationToken: cancellationToken),
                ("", "Service", { } ns) => await client.CoreV1.ReadNamespacedServiceAsync(spec.Name, ns, cancellationToken: cancellationToken),
                ("", "ServiceAccount", { } ns) => await client.CoreV1.ReadNamespacedServiceAccountAsync(spec.Name, ns, cancellationToken: cancellationToken),
                ("", _, _) => null,
                (_, _, { } ns) => await client.CustomObjects.GetNamespacedCustomObjectAsync(target.Group, target.Version, ns, target.Plural, spec.Name, cancellationToken),
                (_, _, null) => await client.CustomObjects.GetClusterCustomObjectAsync(target.Group, target.Version, target.Plural, spec.Name, cancellationToken),
            };
            return body is null
                ? new Current(null, $"CniBench cannot read core kind {spec.Kind}")
                : new Current(JsonNode.Parse(body is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(body)), null);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new Current(null, null);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, clusterName, string.Create(CultureInfo.InvariantCulture, $"reading {target}")), ex);
        }
    }
}
