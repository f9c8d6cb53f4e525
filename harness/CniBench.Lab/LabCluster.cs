using System.Globalization;
using CniBench.Core.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Lab.Capture;
using CniBench.Lab.Policy;
using CniBench.Lab.Probes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab;

/// <summary>A running lab. Disposing it kills everything inside, deletes its namespaces and its state file.</summary>
public sealed class LabCluster : ICluster, INetpolCluster, IClusterTelemetry
{
    private readonly IProcessRunner _runner;
    private readonly LabStateStore _store;
    private readonly TimeProvider _time;
    private readonly bool _persistent;
    private readonly WireTelemetry _wire;
    private int _disposed;

    internal LabCluster(LabBlueprint blueprint, IReadOnlyList<ClusterNode> nodes, IProcessRunner runner, LabStateStore store, TimeProvider time, bool persistent)
    {
        Blueprint = blueprint;
        Nodes = nodes;
        _runner = runner;
        _store = store;
        _time = time;
        _persistent = persistent;
        _wire = new WireTelemetry(blueprint.SwitchNamespace, WireSamplerOptions.Default, time);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["lab.name"] = blueprint.Lab,
            ["lab.run_prefix"] = blueprint.RunPrefix,
            ["lab.nodes"] = I(blueprint.Nodes.Count),
            ["lab.pods_per_node"] = I(blueprint.IsUnderlay ? 0 : blueprint.Shape.PodsPerNode),
            ["lab.underlay_mtu"] = I(blueprint.Shape.UnderlayMtu),
            ["lab.pod_mtu"] = I(blueprint.PodMtu),
            ["lab.model"] = blueprint.Description,
            ["kernel"] = Environment.OSVersion.Version.ToString(),
        };
        if (blueprint.Manifest is { Lab: { } model } manifest)
        {
            facts["cni.upstream_version"] = manifest.Upstream.Version;
            facts["lab.attachment"] = model.Attachment.ToString().ToLowerInvariant();
            facts["lab.encapsulation"] = model.Encapsulation.Type == EncapsulationType.Vxlan
                ? string.Create(CultureInfo.InvariantCulture, $"vxlan:{model.Encapsulation.Port}")
                : "none";
        }

        Facts = facts;
    }

    public LabBlueprint Blueprint { get; }

    public string Name => Blueprint.Lab;

    public string Cni => Blueprint.Cni;

    public string Description => Blueprint.Description;

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public IReadOnlyDictionary<string, string> Facts { get; }

    public IReadOnlyList<string> Namespaces => Blueprint.Namespaces;

    /// <summary>Every pod, node by node.</summary>
    public IReadOnlyList<IWorkloadHost> Pods => [.. Nodes.SelectMany(n => n.Pods)];

    /// <summary>
    /// Puts the policy model on the lab's pods (spread over the nodes), with sockets opened inside the pod
    /// namespaces for probing and nftables in the node namespaces for enforcement.
    /// </summary>
    public Task<NetpolDeployment> DeployAsync(ClusterModel model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var placed = LabPolicyPlacement.Place(Blueprint, model);
        var enforcer = NftPolicyEnforcer.ForLab(Blueprint, placed, _runner);
        var prober = new NamespaceProbeEngine(placed.Placements.ToDictionary(p => p.PodId, p => p.PodNamespace!, StringComparer.Ordinal), _time);
        return Task.FromResult(new NetpolDeployment(placed.Model, prober, enforcer));
    }

    /// <summary>Samples the underlay in the switch namespace during a measurement: is the workload's plaintext on the wire?</summary>
    public Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken) =>
        _wire.BeginAsync(request, cancellationToken);

    /// <summary>
    /// Tears the lab down, unless it is persistent (made by <c>lab up</c>): then it stays for
    /// <see cref="LabJanitor.DownAsync"/> to remove, and disposing only lets go of it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || _persistent)
        {
            return;
        }

        await DestroyAsync();
    }

    /// <summary>Removes the lab now, persistent or not.</summary>
    public async Task DestroyAsync()
    {
        await LabTeardown.RemoveAsync(_runner, Namespaces, _time);
        _store.Delete(Blueprint.Lab);
    }

    public override string ToString() => $"{Name} ({Description})";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
