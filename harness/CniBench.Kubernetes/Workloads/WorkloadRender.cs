using System.Globalization;
using CniBench.Core.Scenarios;
using k8s;

namespace CniBench.Kubernetes.Workloads;

/// <summary>What <c>cnibench render</c> shows: a scenario's workloads for one CNI, without any cluster.</summary>
public sealed record RenderedWorkloads(string Cni, WorkloadContext Context, IReadOnlyList<IKubernetesObject> Objects)
{
    /// <summary>A comment saying what was rendered, then every object as one YAML document.</summary>
    public string ToYaml() => ToYaml(cniInstall: null);

    /// <summary>
    /// As <see cref="ToYaml()"/>, with the CNI's install (a YAML fragment, applied first by a run) between the header
    /// and the workloads; null leaves the CNI out.
    /// </summary>
    public string ToYaml(string? cniInstall) =>
        $"# cnibench render: cni {Cni}, run {Context.RunId}, namespace {Context.Namespace}, {Objects.Count} objects\n" +
        $"# nodes are placeholders ({string.Join(", ", Context.NodeNames)}): a real run pins pods to the cluster's node names\n" +
        (cniInstall is null ? "" : cniInstall.TrimEnd('\n') + "\n# workloads:\n") +
        TemplateWorkloadSet.ToYaml(Objects);
}

/// <summary>Renders a scenario's workloads offline, with placeholder node names <c>node-1</c>… from the lab node count.</summary>
public static class WorkloadRender
{
    public static IReadOnlyList<string> PlaceholderNodeNames(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Enumerable.Range(1, count).Select(i => "node-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    public static RenderedWorkloads Render(IWorkloadSet workloads, ScenarioSpec scenario, string cni, string runId)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(cni);
        ArgumentNullException.ThrowIfNull(runId);
        if (!scenario.Cnis.Contains(cni, StringComparer.Ordinal))
        {
            throw new ArgumentException($"scenario '{scenario.Name}' does not run CNI '{cni}'; it runs: {string.Join(", ", scenario.Cnis)}", nameof(cni));
        }

        var context = new WorkloadContext(
            runId,
            KubeLabels.RunNamespace(runId),
            PlaceholderNodeNames(scenario.Lab.Nodes),
            scenario.Kubernetes?.Images ?? new KubernetesImagesSpec())
        {
            PodsPerNode = Math.Max(WorkloadNames.PodsPerNode, scenario.Lab.PodsPerNode),
        };
        return new RenderedWorkloads(cni, context, workloads.Objects(context));
    }
}
