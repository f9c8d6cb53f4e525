using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Lab.Capture;
using CniBench.Lab.Policy;
using CniBench.Lab.Probes;
using CniBench.Lab.Services;
using CniBench.Lab.Telemetry;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab;

/// <summary>A running lab. Disposing it kills everything inside, deletes its namespaces and its state file.</summary>
public sealed class LabCluster : ICluster, INetpolCluster, IClusterTelemetry, IServiceCluster, IClusterHealth, IToolPlacement
{
    private readonly IProcessRunner _runner;
    private readonly LabStateStore _store;
    private readonly TimeProvider _time;
    private readonly bool _persistent;
    private readonly WireTelemetry _wire;
    private readonly DaemonCpuTelemetry _daemons;
    private readonly LabServiceProxy _services;
    private readonly string _keyRoot;
    private readonly Dictionary<string, string> _facts;
    private readonly LabToolPlacement _placement;
    private LabWireGuard? _wireGuard;
    private int _disposed;

    internal LabCluster(
        LabBlueprint blueprint, IReadOnlyList<ClusterNode> nodes, IProcessRunner runner, LabStateStore store, TimeProvider time, bool persistent, string keyRoot)
    {
        _keyRoot = keyRoot;
        Blueprint = blueprint;
        Nodes = nodes;
        _runner = runner;
        _store = store;
        _time = time;
        _persistent = persistent;
        _wire = new WireTelemetry(blueprint.SwitchNamespace, WireSamplerOptions.Default, time);
        _daemons = new DaemonCpuTelemetry([.. blueprint.Nodes.Select(n => n.Namespace)], runner, time);
        _services = new LabServiceProxy([.. blueprint.Nodes.Select(n => n.Namespace)], runner);
        _placement = new LabToolPlacement(runner, CniBench.Processes.ScheduledRunner.AllowedCpus());
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["lab.name"] = blueprint.Lab,
            ["lab.run_prefix"] = blueprint.RunPrefix,
            ["lab.nodes"] = I(blueprint.Nodes.Count),
            ["lab.pods_per_node"] = I(blueprint.IsUnderlay ? 0 : blueprint.Shape.PodsPerNode),
            ["lab.underlay_mtu"] = I(blueprint.Shape.UnderlayMtu),
            ["lab.pod_mtu"] = I(blueprint.PodMtu),
            ["lab.model"] = blueprint.Description,
            [ClusterFactNames.DatapathFingerprint] = blueprint.DatapathFingerprint,
            ["kernel"] = Environment.OSVersion.Version.ToString(),
        };
        if (blueprint is { Manifest: { } manifest, Model: { } model })
        {
            facts["cni.upstream_version"] = manifest.Upstream.Version;
            facts["lab.attachment"] = model.Attachment.ToString().ToLowerInvariant();
            facts["lab.encapsulation"] = model.Encapsulation.Type switch
            {
                EncapsulationType.Vxlan => string.Create(CultureInfo.InvariantCulture, $"vxlan:{model.Encapsulation.Port}"),
                EncapsulationType.Ipip => "ipip",
                _ => "none",
            };
            facts["encryption"] = model.Encryption?.Type.ToString().ToLowerInvariant() ?? "none";
        }

        if (blueprint.Variant is { } variant)
        {
            facts["cni.variant"] = variant.Name;
        }

        _facts = facts;
    }

    public LabBlueprint Blueprint { get; }

    public string Name => Blueprint.Lab;

    public string Cni => Blueprint.Cni;

    public string Description => Blueprint.Description;

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public IReadOnlyDictionary<string, string> Facts => _facts;

    /// <summary>The WireGuard mesh of a WireGuard variant (null otherwise); its key folder exists while the lab is up.</summary>
    public LabWireGuard? WireGuard => _wireGuard;

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
        return Task.FromResult(new NetpolDeployment(placed.Model, prober, enforcer) { Addresses = placed.Addresses });
    }

    /// <summary>A ClusterIP from the lab's Service range, DNATed to the backends by nftables in every node namespace (the kube-proxy model).</summary>
    public Task<IServiceExposure> ExposeAsync(ServiceRequest request, CancellationToken cancellationToken) =>
        _services.ExposeAsync(request, cancellationToken);

    /// <summary>Samples the underlay in the switch namespace during a measurement: is the workload's plaintext on the wire?</summary>
    /// <remarks>And the CPU of the datapath's daemons (wireguard-go) over the same window.</remarks>
    public async Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken) =>
        new CombinedTelemetryWindow([await _wire.BeginAsync(request, cancellationToken), await _daemons.BeginAsync(cancellationToken)]);

    /// <summary>The client and server pinned (taskset) and at the niceness (nice) the scenario asks, as far as this host allows.</summary>
    public PlacedEndpoints Place(IWorkloadHost client, IWorkloadHost server, ToolPlacementSpec spec) => _placement.Place(client, server, spec);

    /// <summary>Names a dead wireguard-go (the datapath of userspace WireGuard variants); null while the datapath is intact.</summary>
    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_wireGuard?.Check());

    /// <summary>Loads the kube-proxy model's base table into every node, as a real node has it before any Service exists.</summary>
    internal Task StartKubeProxyAsync(CancellationToken cancellationToken) => _services.InitializeAsync(cancellationToken);

    /// <summary>
    /// What carries the encryption, known once it is up; it is part of the datapath fingerprint, because kernel WireGuard
    /// and wireguard-go are different paths.
    /// </summary>
    internal void RecordImplementation(string implementation)
    {
        _facts[ClusterFactNames.Implementation] = implementation;
        _facts[ClusterFactNames.DatapathFingerprint] = $"{Blueprint.DatapathFingerprint};implementation={implementation}";
    }

    /// <summary>Takes ownership of the lab's WireGuard mesh, once it is up.</summary>
    internal void Attach(LabWireGuard wireGuard)
    {
        _wireGuard = wireGuard;
        RecordImplementation(wireGuard.Implementation);
    }

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

    /// <summary>
    /// Removes the lab now, persistent or not: every step runs, then the host is checked. Throws
    /// <see cref="LabTeardownException"/> naming what failed and what is left.
    /// </summary>
    public Task DestroyAsync()
    {
        // Killing the namespaces' processes also ends wireguard-go; disposing the mesh then only reaps its handles.
        var wireGuard = _wireGuard;
        return LabTeardown.RemoveAsync(
            Footprint,
            _runner,
            _time,
            wireGuard is null ? null : [wireGuard.DisposeAsync]);
    }

    internal LabFootprint Footprint => new(Blueprint.Lab, Namespaces, LabWireGuard.KeyDirectoryOf(_keyRoot, Blueprint.Lab), _store.PathOf(Blueprint.Lab));

    public override string ToString() => $"{Name} ({Description})";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
