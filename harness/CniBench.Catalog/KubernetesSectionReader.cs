using System.Text.Json;
using System.Text.RegularExpressions;
using CniBench.Core.Yaml;

namespace CniBench.Catalog;

/// <summary>Strict reading of a manifest's <c>kubernetes:</c> section; problems go to the map's error list.</summary>
internal static partial class KubernetesSectionReader
{
    internal static readonly Dictionary<string, ProjectStatus> Statuses = new(StringComparer.Ordinal)
    {
        ["active"] = ProjectStatus.Active,
        ["archived"] = ProjectStatus.Archived,
        ["retired"] = ProjectStatus.Retired,
    };

    private static readonly Dictionary<string, WorkloadKind> Kinds = new(StringComparer.Ordinal)
    {
        ["DaemonSet"] = WorkloadKind.DaemonSet,
        ["Deployment"] = WorkloadKind.Deployment,
    };

    private static readonly Dictionary<string, PatchType> PatchTypes = new(StringComparer.Ordinal)
    {
        ["merge"] = PatchType.Merge,
        ["strategic"] = PatchType.Strategic,
    };

    private static readonly Dictionary<string, SecretGenerator> Generators = new(StringComparer.Ordinal)
    {
        ["ipsec-key"] = SecretGenerator.IpsecKey,
        ["password"] = SecretGenerator.Password,
    };

    public static KubernetesInstallSpec? Read(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var status = map.Enum("status", required: false, Statuses) ?? ProjectStatus.Active;
        var statusNote = map.String("statusNote", required: false);
        if (status != ProjectStatus.Active && statusNote is null)
        {
            map.ErrorHere("statusNote is required when status is not active (say why and since when)");
        }

        var manifests = ReadManifests(map.MapList("manifests", required: false));
        var helm = ReadHelm(map.Map("helm", required: false));
        if ((manifests is null || manifests.Count == 0) == (helm is null))
        {
            map.ErrorHere("exactly one install method is required: a non-empty 'manifests' list or 'helm'");
        }

        var podCidr = ReadPodCidr(map.Map("podCidr", required: true));
        var readiness = ReadReadiness(map, map.MapList("readiness", required: true));
        var encryption = ReadEncryption(map, map.MapList("encryption", required: false));
        var warnings = map.StringList("warnings", required: false) ?? [];
        map.Finish();

        if (podCidr is null || readiness is null || encryption is null || manifests is null)
        {
            return null;
        }

        return new KubernetesInstallSpec
        {
            Status = status,
            StatusNote = statusNote,
            Manifests = manifests,
            Helm = helm,
            PodCidr = podCidr,
            Readiness = readiness,
            Encryption = encryption,
            Warnings = warnings,
        };
    }

    /// <summary>Pinned manifest URLs (never <c>latest</c>) with optional sha256; shared with the ingress catalog.</summary>
    public static List<ManifestSource>? ReadManifests(IReadOnlyList<YamlMap>? maps)
    {
        if (maps is null)
        {
            return [];
        }

        var result = new List<ManifestSource>();
        var ok = true;
        foreach (var item in maps)
        {
            var url = item.AbsoluteUri("url", required: true);
            var sha = item.String("sha256", required: false);
            if (url is not null && url.AbsoluteUri.Contains("/latest/", StringComparison.OrdinalIgnoreCase))
            {
                item.ErrorHere($"url '{url}' is not pinned: use the URL of a tag, never 'latest'");
                ok = false;
            }

            if (sha is not null && !Sha256Pattern().IsMatch(sha))
            {
                item.Error(item.NodeOf("sha256"), $"sha256 '{sha}' must be 64 lower-case hex digits (or leave the key out when unverified)");
                ok = false;
            }

            item.Finish();
            if (url is null)
            {
                ok = false;
                continue;
            }

            result.Add(new ManifestSource(url, sha));
        }

        return ok ? result : null;
    }

    /// <summary>A Helm chart install; shared with the ingress catalog.</summary>
    public static HelmChartSpec? ReadHelm(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var repo = map.AbsoluteUri("repo", required: true);
        var chart = map.String("chart", required: true);
        var version = map.String("version", required: true);
        var release = map.String("release", required: true);
        var ns = map.String("namespace", required: true);
        var values = map.ScalarMap("values", required: false) ?? new Dictionary<string, string>();
        map.Finish();
        return repo is null || chart is null || version is null || release is null || ns is null
            ? null
            : new HelmChartSpec { Repo = repo, Chart = chart, Version = version, Release = release, Namespace = ns, Values = values };
    }

    private static PodCidrSpec? ReadPodCidr(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var cidr = map.String("default", required: false);
        if (cidr is not null && !CidrPattern().IsMatch(cidr))
        {
            map.Error(map.NodeOf("default"), $"podCidr.default '{cidr}' is not an IPv4 CIDR");
        }

        var mustMatch = map.Bool("mustMatchClusterCidr", required: true);
        var setting = map.String("setting", required: true);
        map.Finish();
        return mustMatch is null || setting is null ? null : new PodCidrSpec { Default = cidr, MustMatchClusterCidr = mustMatch.Value, Setting = setting };
    }

    private static List<WorkloadRef>? ReadReadiness(YamlMap parent, IReadOnlyList<YamlMap>? maps)
    {
        if (maps is null)
        {
            return null;
        }

        var result = ReadWorkloads(maps);
        if (result is not null && !result.Any(r => r.Kind == WorkloadKind.DaemonSet))
        {
            parent.ErrorHere("readiness must name at least one DaemonSet: it is how a running CNI is recognised");
            return null;
        }

        return result;
    }

    /// <summary>A list of <c>{ kind, namespace, name }</c> workloads; null when any entry is wrong (each is reported).</summary>
    internal static List<WorkloadRef>? ReadWorkloads(IReadOnlyList<YamlMap>? maps)
    {
        var result = new List<WorkloadRef>();
        foreach (var item in maps ?? [])
        {
            var kind = item.Enum("kind", required: true, Kinds);
            var ns = item.String("namespace", required: true);
            var name = item.String("name", required: true);
            item.Finish();
            if (kind is not null && ns is not null && name is not null)
            {
                result.Add(new WorkloadRef(kind.Value, ns, name));
            }
        }

        return result.Count == (maps?.Count ?? 0) ? result : null;
    }

    private static List<EncryptionVariantSpec>? ReadEncryption(YamlMap parent, IReadOnlyList<YamlMap>? maps)
    {
        if (maps is null)
        {
            return [];
        }

        var result = new List<EncryptionVariantSpec>();
        var ok = true;
        foreach (var item in maps)
        {
            var name = item.String("name", required: true);
            var helmValues = item.ScalarMap("helmValues", required: false) ?? new Dictionary<string, string>();
            var secret = ReadSecret(item.Map("secret", required: false));
            var patches = ReadPatches(item.MapList("patches", required: false));
            item.Finish();
            if (helmValues.Count == 0 && patches is { Count: 0 })
            {
                item.ErrorHere("an encryption variant needs helmValues or patches");
                ok = false;
            }

            if (name is null || patches is null)
            {
                ok = false;
                continue;
            }

            result.Add(new EncryptionVariantSpec { Name = name, HelmValues = helmValues, Secret = secret, Patches = patches });
        }

        var duplicates = result.GroupBy(v => v.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            parent.ErrorHere($"encryption variant names must be unique: {string.Join(", ", duplicates)}");
            ok = false;
        }

        return ok ? result : null;
    }

    private static SecretSpec? ReadSecret(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var ns = map.String("namespace", required: true);
        var name = map.String("name", required: true);
        var key = map.String("key", required: true);
        var generate = map.Enum("generate", required: true, Generators);
        map.Finish();
        return ns is null || name is null || key is null || generate is null ? null : new SecretSpec(ns, name, key, generate.Value);
    }

    private static List<ResourcePatchSpec>? ReadPatches(IReadOnlyList<YamlMap>? maps)
    {
        if (maps is null)
        {
            return [];
        }

        var result = new List<ResourcePatchSpec>();
        foreach (var item in maps)
        {
            var apiVersion = item.String("apiVersion", required: true);
            var kind = item.String("kind", required: true);
            var ns = item.String("namespace", required: false);
            var name = item.String("name", required: true);
            var type = item.Enum("type", required: true, PatchTypes);
            var patch = item.String("patch", required: true);
            if (patch is not null && !IsJsonObject(patch))
            {
                item.Error(item.NodeOf("patch"), "patch must be a JSON object");
                patch = null;
            }

            item.Finish();
            if (apiVersion is not null && kind is not null && name is not null && type is not null && patch is not null)
            {
                result.Add(new ResourcePatchSpec { ApiVersion = apiVersion, Kind = kind, Namespace = ns, Name = name, Type = type.Value, Patch = patch });
            }
        }

        return result.Count == maps.Count ? result : null;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")]
    private static partial Regex CidrPattern();
}
