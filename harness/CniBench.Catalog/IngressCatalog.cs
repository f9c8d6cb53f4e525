using System.Text.RegularExpressions;
using CniBench.Core.Yaml;

namespace CniBench.Catalog;

/// <summary>
/// The ingress controllers CniBench knows, loaded from <c>manifests/ingress/*.yaml</c> (files whose name ends in
/// <c>-rbac.yaml</c> or <c>-deploy.yaml</c> are manifests an entry references, not entries). Loading is strict like <see cref="CniCatalog"/>:
/// an unknown key, a missing field or a wrong value is an error naming file:line:column, all reported together.
/// </summary>
public sealed partial class IngressCatalog
{
    /// <summary>Endings of the catalog folder's files that hold Kubernetes objects for an entry rather than an entry.</summary>
    public static IReadOnlyList<string> ObjectFileSuffixes { get; } = ["-rbac.yaml", "-deploy.yaml"];

    private readonly Dictionary<string, IngressControllerSpec> _byName;

    public IngressCatalog(IEnumerable<IngressControllerSpec> controllers)
    {
        _byName = controllers.ToDictionary(c => c.Name, StringComparer.Ordinal);
        Controllers = [.. _byName.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<IngressControllerSpec> Controllers { get; }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IngressControllerSpec this[string name] =>
        _byName.TryGetValue(name, out var controller)
            ? controller
            : throw new KeyNotFoundException($"unknown ingress controller '{name}'; the catalog has: {string.Join(", ", Controllers.Select(c => c.Name))}");

    public bool TryGet(string name, out IngressControllerSpec controller) => _byName.TryGetValue(name, out controller!);

    /// <summary>Reads every entry in <paramref name="directory"/>; throws <see cref="CatalogException"/> with all problems found.</summary>
    public static IngressCatalog Load(string directory)
    {
        var errors = new List<InputError>();
        var controllers = CatalogDirectory.ParseAll(
            directory,
            CatalogName,
            "ingress controller entries (*.yaml)",
            f => f.EndsWith(".yaml", StringComparison.Ordinal) && !ObjectFileSuffixes.Any(suffix => f.EndsWith(suffix, StringComparison.Ordinal)),
            Parse,
            errors);

        // Two entries with one class name would each pick up the other's Ingresses on a shared cluster.
        foreach (var clash in controllers.GroupBy(c => c.IngressClass.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new InputError(
                clash.Last().SourcePath, 0, 0, $"ingressClass.name '{clash.Key}' is used by {string.Join(" and ", clash.Select(c => c.Name))}: class names must be unique in the catalog"));
        }

        return errors.Count > 0 ? throw new CatalogException(errors, CatalogName) : new IngressCatalog(controllers);
    }

    /// <summary>Parses one entry; <paramref name="sourcePath"/> names it in errors, its file name must match <c>name</c>, and <c>files</c> are resolved next to it.</summary>
    public static IngressControllerSpec Parse(string yaml, string sourcePath)
    {
        var errors = new List<InputError>();
        var controller = Parse(yaml, sourcePath, errors);
        return errors.Count > 0 || controller is null ? throw new CatalogException(errors, CatalogName) : controller;
    }

    private const string CatalogName = "ingress catalog";

    private static IngressControllerSpec? Parse(string yaml, string file, List<InputError> errors)
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
            root.Error(root.NodeOf("name"), $"name '{name}' must be lower-case letters, digits and '-', starting with a letter");
        }
        else if (name is not null && Path.GetFileNameWithoutExtension(file) is var stem && stem != name)
        {
            root.Error(root.NodeOf("name"), $"name '{name}' does not match the file name '{stem}'");
        }

        var displayName = root.String("displayName", required: true);
        var upstream = UpstreamSpec.Read(root.Map("upstream", required: true));
        var status = root.Enum("status", required: false, KubernetesSectionReader.Statuses) ?? ProjectStatus.Active;
        var statusNote = root.String("statusNote", required: false);
        if (status != ProjectStatus.Active && statusNote is null)
        {
            root.ErrorHere("statusNote is required when status is not active (say why and since when)");
        }

        var sources = root.StringList("sources", required: false) ?? [];
        var unavailable = root.String("unavailable", required: false);
        var install = ReadInstall(root.Map("install", required: true), file);
        var readiness = KubernetesSectionReader.ReadWorkloads(root.MapList("readiness", required: unavailable is null));
        var ingressClass = ReadIngressClass(root.Map("ingressClass", required: true));
        var service = ReadService(root.Map("service", required: unavailable is null));
        var warnings = root.StringList("warnings", required: false) ?? [];
        if (unavailable is null && readiness is { Count: 0 })
        {
            root.ErrorHere("readiness must name at least one DaemonSet or Deployment: it is how a running controller is recognised");
        }

        root.Finish();

        if (errors.Count > before || name is null || displayName is null || upstream is null || install is null || readiness is null || ingressClass is null)
        {
            return null;
        }

        return new IngressControllerSpec
        {
            Name = name,
            DisplayName = displayName,
            Upstream = upstream,
            Status = status,
            StatusNote = statusNote,
            Sources = sources,
            Install = install,
            Readiness = readiness,
            IngressClass = ingressClass,
            Service = service,
            Unavailable = unavailable,
            Warnings = warnings,
            SourcePath = file,
        };
    }

    private static IngressInstallSpec? ReadInstall(YamlMap? map, string file)
    {
        if (map is null)
        {
            return null;
        }

        var manifests = KubernetesSectionReader.ReadManifests(map.MapList("manifests", required: false));
        var helm = KubernetesSectionReader.ReadHelm(map.Map("helm", required: false));
        var image = ReadImage(map.Map("image", required: false));
        var files = ReadFiles(map, map.StringList("files", required: false), file);
        map.Finish();
        if (manifests is null)
        {
            // The list itself had errors, already reported.
            return null;
        }

        var methods = (manifests is { Count: > 0 } ? 1 : 0) + (helm is null ? 0 : 1) + (image is null ? 0 : 1);
        if (methods != 1)
        {
            map.ErrorHere("exactly one install method is required: a non-empty 'manifests' list, 'helm' or 'image'");
            return null;
        }

        if (files.Count > 0 && image is null)
        {
            map.Error(map.NodeOf("files"), "'files' go with 'image' (objects for an image CniBench does not publish); upstream installs are pinned manifests or a chart");
            return null;
        }

        return new IngressInstallSpec { Manifests = manifests, Helm = helm, Image = image, Files = files };
    }

    private static ControllerImageSpec? ReadImage(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var name = map.String("default", required: true);
        var dockerfile = map.String("dockerfile", required: true);
        map.Finish();
        return name is null || dockerfile is null ? null : new ControllerImageSpec(name, dockerfile);
    }

    private static List<string> ReadFiles(YamlMap map, IReadOnlyList<string>? names, string file)
    {
        var result = new List<string>();
        var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        foreach (var name in names ?? [])
        {
            if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
            {
                map.Error(map.NodeOf("files"), $"file '{name}' must be a file name in the entry's own folder");
                continue;
            }

            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                map.Error(map.NodeOf("files"), $"file '{name}' does not exist next to the entry ({path})");
                continue;
            }

            result.Add(path);
        }

        return result;
    }

    private static IngressClassSpec? ReadIngressClass(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var name = map.String("name", required: true);
        if (name is not null && !DnsLabelPattern().IsMatch(name))
        {
            map.Error(map.NodeOf("name"), $"ingressClass.name '{name}' is not a DNS label (lower-case letters, digits and '-')");
            name = null;
        }

        var controller = map.String("controller", required: false);
        if (controller is not null && !ControllerPattern().IsMatch(controller))
        {
            map.Error(map.NodeOf("controller"), $"ingressClass.controller '{controller}' must be a domain-prefixed path such as example.com/ingress-controller");
            controller = null;
        }

        var created = map.Bool("createdByInstall", required: true);
        var note = map.String("note", required: false);
        map.Finish();
        if (created is true && map.NodeOf("controller") == map.Node)
        {
            map.ErrorHere("an IngressClass the install creates has a controller value: set 'controller'");
            return null;
        }

        return name is null || created is null ? null : new IngressClassSpec { Name = name, Controller = controller, CreatedByInstall = created.Value, Note = note };
    }

    private static IngressServiceRef? ReadService(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var ns = map.String("namespace", required: true);
        var name = map.String("name", required: true);
        var port = map.Int("port", required: true, min: 1, max: 65535);
        var tlsPort = map.Int("tlsPort", required: false, min: 1, max: 65535);
        var tlsUnavailable = map.String("tlsUnavailable", required: false);
        if (tlsPort is not null && tlsUnavailable is not null)
        {
            map.Error(map.NodeOf("tlsUnavailable"), "set either tlsPort (the Service's HTTPS port) or tlsUnavailable (why there is none), not both");
        }
        else if (tlsPort is not null && tlsPort == port)
        {
            map.Error(map.NodeOf("tlsPort"), $"tlsPort {tlsPort} is the plain HTTP port too: name the Service's HTTPS port");
        }

        map.Finish();
        return ns is null || name is null || port is null
            ? null
            : new IngressServiceRef(ns, name, port.Value) { TlsPort = tlsPort, TlsUnavailable = tlsUnavailable };
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9._/]*[A-Za-z0-9])?$")]
    private static partial Regex ControllerPattern();
}
