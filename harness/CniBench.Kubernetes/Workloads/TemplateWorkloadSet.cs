using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using CniBench.NetworkPolicy.Model;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Workloads;

/// <summary>
/// The workloads of a run rendered from the YAML templates in <c>manifests/workloads/</c>: the run namespace, two
/// iperf3 pods per node pinned by node affinity, hostNetwork iperf3 pods on the first two nodes, and the
/// network-policy model (namespaces x, y, z scoped by the run, agnhost pods a, b, c with a Service each). The
/// pod-to-service Service is not among them: the cluster creates it per measurement over the server the test uses
/// (<see cref="Services.KubernetesServiceExposure"/>). Templates are checked when loaded, so a typo fails before anything is applied.
/// </summary>
public sealed partial class TemplateWorkloadSet : IWorkloadSet
{
    public const string RunNamespaceFile = "run-namespace.yaml";
    public const string Iperf3PodFile = "iperf3-pod.yaml";
    public const string UnderlayPodFile = "underlay-pod.yaml";
    public const string NetpolNamespaceFile = "netpol-namespace.yaml";
    public const string AgnhostPodFile = "agnhost-pod.yaml";
    public const string AgnhostServiceFile = "agnhost-service.yaml";

    /// <summary>Each template file and the placeholders it may use: the values this class fills in for it.</summary>
    public static readonly FrozenDictionary<string, FrozenSet<string>> TemplatePlaceholders = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        [RunNamespaceFile] = Set("namespace", "runId"),
        [Iperf3PodFile] = Set("podName", "namespace", "runId", "role", "nodeName", "iperf3Image"),
        [UnderlayPodFile] = Set("podName", "namespace", "runId", "role", "nodeName", "iperf3Image"),
        [NetpolNamespaceFile] = Set("netpolNamespace", "netpolNamespaceShort", "runId"),
        [AgnhostPodFile] = Set("netpolPod", "netpolNamespace", "runId", "agnhostImage", "podId"),
        [AgnhostServiceFile] = Set("serviceName", "netpolNamespace", "runId", "netpolPod"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, WorkloadTemplate> _templates;

    private TemplateWorkloadSet(FrozenDictionary<string, WorkloadTemplate> templates)
    {
        _templates = templates;
    }

    /// <summary>Reads and checks every template in <paramref name="directory"/>; all problems are reported at once.</summary>
    public static TemplateWorkloadSet Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new WorkloadTemplateException($"{directory}: the workload templates folder does not exist");
        }

        var errors = new List<string>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in TemplatePlaceholders.Keys.Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                errors.Add($"{path}: missing workload template");
                continue;
            }

            texts[file] = File.ReadAllText(path);
        }

        return errors.Count > 0 ? throw new WorkloadTemplateException(errors) : FromTexts(texts);
    }

    /// <summary>Builds the set from template texts keyed by file name (tests, or templates not on disk).</summary>
    public static TemplateWorkloadSet FromTexts(IReadOnlyDictionary<string, string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var errors = new List<string>();
        var templates = new Dictionary<string, WorkloadTemplate>(StringComparer.Ordinal);
        foreach (var (file, allowed) in TemplatePlaceholders.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!texts.TryGetValue(file, out var text))
            {
                errors.Add($"{file}: missing workload template");
                continue;
            }

            try
            {
                templates[file] = WorkloadTemplate.Parse(file, text, allowed);
            }
            catch (WorkloadTemplateException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        return errors.Count > 0 ? throw new WorkloadTemplateException(errors) : new TemplateWorkloadSet(templates.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IReadOnlyList<IKubernetesObject> Objects(WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ValidateContext(context);
        var objects = new List<IKubernetesObject>();
        objects.AddRange(Load(RunNamespaceFile, Values(("namespace", context.Namespace), ("runId", context.RunId))));
        foreach (var model in DefaultModel.NamespaceNames)
        {
            objects.AddRange(Load(NetpolNamespaceFile, Values(
                ("netpolNamespace", WorkloadNames.NetpolNamespace(context.Namespace, model)),
                ("netpolNamespaceShort", model),
                ("runId", context.RunId))));
        }

        for (var node = 1; node <= context.NodeNames.Count; node++)
        {
            for (var pod = 1; pod <= context.PodsPerNode; pod++)
            {
                objects.AddRange(Load(Iperf3PodFile, PodValues(context, WorkloadNames.Iperf3Pod(node, pod), KubeLabels.Iperf3Role, node)));
            }
        }

        if (context.NodeNames.Count >= WorkloadNames.UnderlayNodes)
        {
            for (var node = 1; node <= WorkloadNames.UnderlayNodes; node++)
            {
                objects.AddRange(Load(UnderlayPodFile, PodValues(context, WorkloadNames.UnderlayPod(node), KubeLabels.HostNetworkRole, node)));
            }
        }

        foreach (var model in DefaultModel.NamespaceNames)
        {
            var netpolNamespace = WorkloadNames.NetpolNamespace(context.Namespace, model);
            foreach (var pod in DefaultModel.PodNames)
            {
                objects.AddRange(Load(AgnhostPodFile, Values(
                    ("netpolPod", pod),
                    ("netpolNamespace", netpolNamespace),
                    ("runId", context.RunId),
                    ("agnhostImage", context.Images.Agnhost),
                    ("podId", model + "/" + pod))));
            }
        }

        foreach (var model in DefaultModel.NamespaceNames)
        {
            var netpolNamespace = WorkloadNames.NetpolNamespace(context.Namespace, model);
            foreach (var pod in DefaultModel.PodNames)
            {
                objects.AddRange(Load(AgnhostServiceFile, Values(
                    ("serviceName", WorkloadNames.NetpolService(netpolNamespace, pod)),
                    ("netpolNamespace", netpolNamespace),
                    ("runId", context.RunId),
                    ("netpolPod", pod))));
            }
        }

        ValidateNames(objects);
        return objects;
    }

    /// <summary>The objects as one multi-document YAML text, in apply order, each document after a <c>---</c> line.</summary>
    public static string ToYaml(IEnumerable<IKubernetesObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var builder = new StringBuilder();
        foreach (var item in objects)
        {
            builder.Append("---\n").Append(KubernetesYaml.Serialize(item).TrimEnd('\n')).Append('\n');
        }

        return builder.ToString();
    }

    private IEnumerable<IKubernetesObject> Load(string file, Dictionary<string, string> values)
    {
        var rendered = _templates[file].Render(values);
        List<object> loaded;
        try
        {
            loaded = KubernetesYaml.LoadAllFromString(rendered, typeMap: null, strict: true);
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException)
        {
            throw new WorkloadTemplateException($"{file}: the rendered template is not valid Kubernetes YAML: {ex.Message}", ex);
        }

        foreach (var item in loaded)
        {
            yield return item as IKubernetesObject
                ?? throw new WorkloadTemplateException($"{file}: a document of type {item?.GetType().Name ?? "null"} is not a Kubernetes object");
        }
    }

    private static Dictionary<string, string> PodValues(WorkloadContext context, string podName, string role, int node) => Values(
        ("podName", podName),
        ("namespace", context.Namespace),
        ("runId", context.RunId),
        ("role", role),
        ("nodeName", context.NodeNames[node - 1]),
        ("iperf3Image", context.Images.Iperf3));

    private static Dictionary<string, string> Values(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static void ValidateContext(WorkloadContext context)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(context.RunId) || context.RunId.Length > 63 || !LabelValuePattern().IsMatch(context.RunId))
        {
            errors.Add($"run id '{context.RunId}' is not a valid label value (up to 63 of A-Z a-z 0-9 - _ ., starting and ending with a letter or digit)");
        }

        // The longest name derived from it is upstream's per-pod Service: s-<namespace>-x-a.
        var longest = WorkloadNames.NetpolService(WorkloadNames.NetpolNamespace(context.Namespace ?? "", "x"), "a");
        if (string.IsNullOrEmpty(context.Namespace) || !DnsLabelPattern().IsMatch(context.Namespace) || longest.Length > 63)
        {
            errors.Add($"namespace '{context.Namespace}' must be a DNS label (a-z 0-9 -) short enough for '{longest}' to stay within 63 characters");
        }

        if (context.NodeNames is null || context.NodeNames.Count == 0)
        {
            errors.Add("at least one node name is needed to pin pods to");
        }
        else
        {
            if (context.NodeNames.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add("node names must not be empty");
            }

            if (context.NodeNames.Distinct(StringComparer.Ordinal).Count() != context.NodeNames.Count)
            {
                errors.Add($"node names must be distinct: [{string.Join(", ", context.NodeNames)}]");
            }
        }

        if (context.Images is null || string.IsNullOrWhiteSpace(context.Images.Iperf3) || string.IsNullOrWhiteSpace(context.Images.Agnhost))
        {
            errors.Add("both images (iperf3, agnhost) must be set");
        }

        if (errors.Count > 0)
        {
            throw new WorkloadTemplateException(errors);
        }
    }

    // Templates are user-editable: a name the API server would reject is reported here, before anything is applied.
    private static void ValidateNames(IEnumerable<IKubernetesObject> objects)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in objects)
        {
            if (item is not IMetadata<V1ObjectMeta> { Metadata.Name: { } name } withMetadata)
            {
                errors.Add($"a {item.Kind ?? "document"} has no metadata.name");
                continue;
            }

            var ns = withMetadata.Metadata.NamespaceProperty;
            var valid = item is V1Pod ? name.Length <= 253 && DnsSubdomainPattern().IsMatch(name) : name.Length <= 63 && DnsLabelPattern().IsMatch(name);
            if (!valid)
            {
                errors.Add($"{item.Kind} '{name}' has a name Kubernetes rejects");
            }

            if (item is not V1Namespace && string.IsNullOrEmpty(ns))
            {
                errors.Add($"{item.Kind} '{name}' has no metadata.namespace");
            }

            if (!seen.Add(item.Kind + "/" + ns + "/" + name))
            {
                errors.Add($"{item.Kind} '{ns}/{name}' is rendered twice");
            }
        }

        if (errors.Count > 0)
        {
            throw new WorkloadTemplateException(errors);
        }
    }

    private static FrozenSet<string> Set(params string[] names) => names.ToFrozenSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomainPattern();
}
