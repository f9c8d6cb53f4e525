using System.Text.RegularExpressions;
using CniBench.Core.Clusters;
using CniBench.Core.Yaml;

namespace CniBench.Catalog;

/// <summary>
/// The CNIs CniBench knows, loaded from <c>manifests/cni/*.yaml</c>. Loading is strict: an unknown key,
/// a missing field or a wrong value is an error naming file:line:column, and all errors are reported together.
/// </summary>
public sealed partial class CniCatalog
{
    /// <summary>Top-level sections the schema reserves for later issues: accepted, not yet parsed. Any other unknown key is an error.</summary>
    public static IReadOnlyList<string> ReservedSections { get; } = [];

    private static readonly Dictionary<string, LabAttachment> Attachments = new(StringComparer.Ordinal)
    {
        ["bridge"] = LabAttachment.Bridge,
        ["routed"] = LabAttachment.Routed,
    };

    private static readonly Dictionary<string, LabGateway> Gateways = new(StringComparer.Ordinal)
    {
        ["bridge"] = LabGateway.Bridge,
        ["link-local"] = LabGateway.LinkLocal,
    };

    private static readonly Dictionary<string, EncapsulationType> Encapsulations = new(StringComparer.Ordinal)
    {
        ["none"] = EncapsulationType.None,
        ["vxlan"] = EncapsulationType.Vxlan,
        ["ipip"] = EncapsulationType.Ipip,
    };

    private static readonly Dictionary<string, EncryptionType> Encryptions = new(StringComparer.Ordinal)
    {
        ["wireguard"] = EncryptionType.WireGuard,
        ["ipsec"] = EncryptionType.Ipsec,
    };

    private static readonly Dictionary<string, VariantKind> VariantKinds = new(StringComparer.Ordinal)
    {
        ["encryption"] = VariantKind.Encryption,
        ["datapath"] = VariantKind.Datapath,
    };

    private readonly Dictionary<string, CniManifest> _byName;

    public CniCatalog(IEnumerable<CniManifest> manifests)
    {
        _byName = manifests.ToDictionary(m => m.Name, StringComparer.Ordinal);
        Manifests = [.. _byName.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
        Names = new SortedSet<string>(_byName.Keys, StringComparer.Ordinal);
        ClusterIds = new SortedSet<string>(
            _byName.Values.SelectMany(m => m.Variants.Select(v => new ClusterId(m.Name, v.Name).ToString()).Prepend(m.Name)),
            StringComparer.Ordinal);
    }

    public IReadOnlyList<CniManifest> Manifests { get; }

    /// <summary>The CNI names a scenario may use (the pseudo-CNI <c>underlay</c> is not among them).</summary>
    public IReadOnlySet<string> Names { get; }

    /// <summary>Every name a scenario's <c>cnis:</c> may hold: each CNI, and <c>cni+variant</c> for each variant it offers.</summary>
    public IReadOnlySet<string> ClusterIds { get; }

    public CniManifest this[string name] =>
        _byName.TryGetValue(name, out var manifest)
            ? manifest
            : throw new KeyNotFoundException($"unknown CNI '{name}'; the catalog has: {string.Join(", ", Names)}");

    public bool TryGet(string name, out CniManifest manifest) => _byName.TryGetValue(name, out manifest!);

    /// <summary>Reads every <c>*.yaml</c> in <paramref name="directory"/>; throws <see cref="CatalogException"/> with all problems found.</summary>
    public static CniCatalog Load(string directory)
    {
        var errors = new List<InputError>();
        var manifests = CatalogDirectory.ParseAll(
            directory,
            "CNI catalog",
            "CNI manifests (*.yaml)",
            f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal),
            Parse,
            errors);
        return errors.Count > 0 ? throw new CatalogException(errors) : new CniCatalog(manifests);
    }

    /// <summary>Parses one manifest; <paramref name="sourcePath"/> names it in errors and its file name must match <c>name</c>.</summary>
    public static CniManifest Parse(string yaml, string sourcePath)
    {
        var errors = new List<InputError>();
        var manifest = Parse(yaml, sourcePath, errors);
        return errors.Count > 0 || manifest is null ? throw new CatalogException(errors) : manifest;
    }

    private static CniManifest? Parse(string yaml, string file, List<InputError> errors)
    {
        var before = errors.Count;
        var root = YamlMap.Document(yaml, file, errors);
        if (root is null)
        {
            return null;
        }

        var name = root.String("name", required: true);
        if (name is not null && !NamePattern().IsMatch(name))
        {
            root.ErrorHere($"name '{name}' must be lower-case letters, digits and '-', starting with a letter");
        }
        else if (name is not null && Path.GetFileNameWithoutExtension(file) is var stem && stem != name)
        {
            root.ErrorHere($"name '{name}' does not match the file name '{stem}'");
        }

        var displayName = root.String("displayName", required: true);
        var upstream = UpstreamSpec.Read(root.Map("upstream", required: true));
        var sources = root.StringList("sources", required: false) ?? [];
        // The lab models only some CNIs; the others run on real clusters alone until a lab model exists.
        var lab = ReadLab(root.Map("lab", required: false));
        var variants = ReadVariants(root.MapList("variants", required: false), lab);
        var policy = ReadPolicy(root.Map("policy", required: true));
        var kubernetes = KubernetesSectionReader.Read(root.Map("kubernetes", required: false));
        var reserved = ReservedSections.Where(root.Reserved).ToList();
        root.Finish();

        if (errors.Count > before || name is null || displayName is null || upstream is null || policy is null)
        {
            return null;
        }

        return new CniManifest
        {
            Name = name,
            DisplayName = displayName,
            Upstream = upstream,
            Sources = sources,
            Lab = lab,
            Variants = variants,
            Policy = policy,
            Kubernetes = kubernetes,
            ReservedSections = reserved,
            SourcePath = file,
        };
    }

    private static PolicySupport? ReadPolicy(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var ingress = map.Bool("ingress", required: true);
        var egress = map.Bool("egress", required: true);
        var gaps = new List<PolicyGap>();
        foreach (var gap in map.MapList("gaps", required: false) ?? [])
        {
            var feature = gap.Value("feature", required: true)?.Scalar(
                "one of " + string.Join(", ", GapNames.Keys),
                text => GapNames.TryGetValue(text, out var parsed) ? parsed : (PolicyFeature?)null);
            var source = gap.String("source", required: true);
            gap.Finish();
            if (feature is { } f && source is not null)
            {
                if (gaps.Exists(g => g.Feature == f))
                {
                    gap.ErrorOn("feature", "listed twice");
                }

                gaps.Add(new PolicyGap(f, source));
            }
        }

        map.Finish();
        return ingress is null || egress is null ? null : new PolicySupport(ingress.Value, egress.Value) { Gaps = gaps };
    }

    /// <summary>How <c>policy.gaps[].feature</c> spells each feature.</summary>
    private static readonly Dictionary<string, PolicyFeature> GapNames = new(StringComparer.Ordinal)
    {
        ["namedPorts"] = PolicyFeature.NamedPorts,
        ["endPort"] = PolicyFeature.EndPort,
        ["sctp"] = PolicyFeature.Sctp,
        ["ipBlockPods"] = PolicyFeature.IpBlockPods,
    };

    private static List<CniVariant> ReadVariants(IReadOnlyList<YamlMap>? maps, LabDatapathSpec? baseLab)
    {
        var variants = new List<CniVariant>();
        foreach (var map in maps ?? [])
        {
            var name = map.String("name", required: true);
            if (name is not null && !NamePattern().IsMatch(name))
            {
                map.ErrorHere($"variant name '{name}' must be lower-case letters, digits and '-', starting with a letter");
                name = null;
            }
            else if (name is not null && variants.Exists(v => v.Name == name))
            {
                map.ErrorHere($"variant '{name}' is listed twice");
                name = null;
            }

            var kind = map.Enum("kind", required: true, VariantKinds);
            var summary = map.String("summary", required: true);
            var sources = map.StringList("sources", required: false) ?? [];
            LabDatapathSpec? lab = null;
            if (map.Map("lab", required: false) is { } labMap)
            {
                if (baseLab is null)
                {
                    labMap.ErrorHere("a variant's lab section changes the CNI's lab model, but this CNI has no top-level 'lab' section");
                    labMap.Finish();
                }
                else
                {
                    lab = ReadLab(labMap, baseLab);
                }
            }

            map.Finish();
            if (kind == VariantKind.Encryption && lab is { Encryption: null })
            {
                map.ErrorHere($"variant '{name}' is of kind encryption, so its lab section needs 'encryption'");
            }

            if (name is not null && kind is not null && summary is not null)
            {
                variants.Add(new CniVariant { Name = name, Kind = kind.Value, Summary = summary, Sources = sources, Lab = lab });
            }
        }

        return variants;
    }

    /// <summary>
    /// Reads a lab section. With <paramref name="inherited"/> (a variant's section) every key is optional and
    /// what is absent keeps the base model's value; without it (the CNI's own section) the model is complete.
    /// </summary>
    private static LabDatapathSpec? ReadLab(YamlMap? map, LabDatapathSpec? inherited = null)
    {
        if (map is null)
        {
            return null;
        }

        var full = inherited is null;
        var attachment = map.Enum("attachment", required: full, Attachments) ?? inherited?.Attachment;
        string? bridge = null;
        if (attachment == LabAttachment.Bridge)
        {
            bridge = map.String("bridge", required: full && inherited?.Bridge is null) ?? inherited?.Bridge;
            CheckInterfaceName(map, "bridge", bridge);
        }
        else if (attachment == LabAttachment.Routed)
        {
            map.Forbid("bridge", "when attachment is routed");
        }
        else
        {
            // The attachment itself is wrong (already reported); do not also call its bridge unknown.
            map.Reserved("bridge");
        }

        var gateway = map.Enum("gateway", required: full, Gateways) ?? inherited?.Gateway;
        if (gateway == LabGateway.Bridge && attachment == LabAttachment.Routed)
        {
            map.ErrorHere("gateway 'bridge' needs attachment 'bridge' (a routed attachment has no bridge address)");
        }

        if (gateway == LabGateway.LinkLocal && attachment == LabAttachment.Bridge)
        {
            map.ErrorHere("gateway 'link-local' is modelled only with attachment 'routed' (proxy ARP on each host-side veth)");
        }

        var encapsulationMap = map.Map("encapsulation", required: full);
        var encapsulation = encapsulationMap is null ? inherited?.Encapsulation : ReadEncapsulation(encapsulationMap);
        // A variant that changes the encapsulation also drops the base model's fixed MTU unless it sets its own.
        var mtu = map.Int("mtu", required: false, min: 576, max: 9000) ?? (encapsulationMap is null ? inherited?.Mtu : null);
        var encryption = ReadEncryption(map.Map("encryption", required: false));
        map.Finish();

        if (attachment is null || gateway is null || encapsulation is null || (attachment == LabAttachment.Bridge && bridge is null))
        {
            return null;
        }

        return new LabDatapathSpec
        {
            Attachment = attachment.Value,
            Bridge = bridge,
            Gateway = gateway.Value,
            Encapsulation = encapsulation,
            Mtu = mtu,
            Encryption = encryption ?? inherited?.Encryption,
        };
    }

    private static LabEncryptionSpec? ReadEncryption(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var type = map.Enum("type", required: true, Encryptions);
        var device = map.String("device", required: type == EncryptionType.WireGuard);
        CheckInterfaceName(map, "device", device);
        var port = map.Int("port", required: type == EncryptionType.WireGuard, min: 1, max: 65535);
        var overhead = map.Int("overheadBytes", required: true, min: 0, max: 200);
        map.Finish();
        return type is null || overhead is null
            ? null
            : new LabEncryptionSpec { Type = type.Value, Device = device, Port = port, OverheadBytes = overhead.Value };
    }

    private static EncapsulationSpec? ReadEncapsulation(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var type = map.Enum("type", required: true, Encapsulations);
        if (type is null)
        {
            // Already reported; accept the type-specific keys silently rather than add noise.
            foreach (var key in new[] { "device", "port", "vni", "overheadBytes" })
            {
                map.Reserved(key);
            }

            map.Finish();
            return null;
        }

        if (type == EncapsulationType.None)
        {
            foreach (var key in new[] { "device", "port", "vni", "overheadBytes" })
            {
                map.Forbid(key, "when type is none");
            }

            map.Finish();
            return EncapsulationSpec.None;
        }

        var device = map.String("device", required: true);
        CheckInterfaceName(map, "device", device);
        if (type == EncapsulationType.Ipip)
        {
            // IP-in-IP has no UDP header and no network identifier.
            map.Forbid("port", "when type is ipip");
            map.Forbid("vni", "when type is ipip");
            var ipipOverhead = map.Int("overheadBytes", required: true, min: 0, max: 200);
            map.Finish();
            return device is null || ipipOverhead is null
                ? null
                : new EncapsulationSpec { Type = EncapsulationType.Ipip, Device = device, OverheadBytes = ipipOverhead.Value };
        }

        var port = map.Int("port", required: true, min: 1, max: 65535);
        var vni = map.Int("vni", required: true, min: 1, max: 16_777_215);
        var overhead = map.Int("overheadBytes", required: true, min: 0, max: 200);
        map.Finish();
        return device is null || port is null || vni is null || overhead is null
            ? null
            : new EncapsulationSpec { Type = EncapsulationType.Vxlan, Device = device, Port = port, Vni = vni, OverheadBytes = overhead.Value };
    }

    // The kernel limits interface names to 15 bytes (IFNAMSIZ - 1); catch it here rather than at `ip link add`.
    private static void CheckInterfaceName(YamlMap map, string key, string? value)
    {
        if (value is not null && (value.Length > 15 || !InterfacePattern().IsMatch(value)))
        {
            map.ErrorHere($"{key} '{value}' is not a valid interface name (1-15 characters of letters, digits, '.', '-', '_')");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex InterfacePattern();
}
