using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Lab.Probes;
using CniBench.Processes;

namespace CniBench.Lab;

public sealed record LabProviderOptions
{
    /// <summary>The run's prefix (<c>cnb-3fa2</c>); every lab of the run is named from it. A fresh one by default.</summary>
    public string RunPrefix { get; init; } = LabNames.NewRunPrefix();

    /// <summary>Labs made by <c>lab up</c>: they outlive this process, are never swept, and disposal leaves them.</summary>
    public bool Persistent { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public string StateDirectory { get; init; } = LabStateStore.DefaultDirectory;

    /// <summary>Where WireGuard variants keep their per-lab private keys (0600 files, deleted at teardown).</summary>
    public string KeyDirectory { get; init; } = LabWireGuard.DefaultKeyDirectory;

    /// <summary>Runs ip/bridge on this host; the pods' runners wrap it in <c>ip netns exec</c>.</summary>
    public IProcessRunner Runner { get; init; } = LocalProcessRunner.Instance;
}

/// <summary>
/// The embedded provider: a multi-node cluster of network namespaces on this host, one datapath model per CNI
/// (from the manifest's <c>lab</c> section). Needs root; touches nothing outside its own namespaces.
/// </summary>
public sealed class LabProvider(CniCatalog catalog, LabProviderOptions? options = null) : IClusterProvider, ILeftBehindCheck
{
    private static readonly TimeSpan LinkReadyTimeout = TimeSpan.FromSeconds(10);

    private readonly LabProviderOptions _options = Validate(options ?? new LabProviderOptions());

    public string Name => "lab";

    internal static string NoLabModel(string cni) => $"{cni} has no lab datapath model yet; run it with provider: kubernetes";

    /// <summary>A variant the catalog lists without a lab section: the lab cannot build it, the Kubernetes provider may.</summary>
    internal static string NoVariantModel(string cluster) => $"no lab model of {cluster}; run it with provider: kubernetes";

    public string RunPrefix => _options.RunPrefix;

    /// <summary>The provider of one <c>cnibench run</c>: its labs are named from the run id's tag (<c>cnb-3fa2-…</c>).</summary>
    public static LabProvider ForRun(CniCatalog catalog, string runId, TimeProvider time) =>
        new(catalog, new LabProviderOptions { RunPrefix = LabNames.Root + RunIds.Tag(runId), TimeProvider = time });

    /// <summary>Everything of this provider's labs still on the host, removed by <c>cnibench lab down &lt;prefix&gt;</c>.</summary>
    public async Task<LeftBehind> LeftBehindAsync(CancellationToken cancellationToken)
    {
        var janitor = new LabJanitor(new LabJanitorOptions { StateDirectory = _options.StateDirectory, KeyDirectory = _options.KeyDirectory, TimeProvider = _options.TimeProvider, Runner = _options.Runner });
        var remains = await janitor.RemainsAsync(_options.RunPrefix, cancellationToken);
        return new LeftBehind([.. remains.Select(r => new LeftBehindItem($"lab {r.Lab}", r.Describe()))], $"cnibench lab down {_options.RunPrefix}");
    }

    async Task<ICluster> IClusterProvider.CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        await CreateAsync(request, progress, cancellationToken);

    public async Task<LabCluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        CniManifest? manifest = null;
        if (request.Cni != Underlay.Name && !catalog.TryGet(request.Cni, out manifest))
        {
            throw new ArgumentException($"unknown CNI '{request.Cni}'; the catalog has: {string.Join(", ", catalog.Names)} (or '{Underlay.Name}')", nameof(request));
        }

        if (manifest is { Lab: null })
        {
            throw new ArgumentException(NoLabModel(manifest.Name), nameof(request));
        }

        var blueprint = LabBlueprint.Create(manifest, request.Shape, _options.RunPrefix, request.Variant);
        var kernelWireGuard = false;
        if (blueprint.Variant is { Lab: { } model })
        {
            var features = await LabSupportCheck.KernelFeaturesAsync(_options.Runner, cancellationToken);
            if (LabSupportCheck.Unsupported(request.Id, model, features) is { } reason)
            {
                throw new ClusterUnsupportedException(reason);
            }

            kernelWireGuard = features.WireGuard;
        }

        return await BuildAsync(blueprint, progress, cancellationToken, kernelWireGuard);
    }

    internal async Task<LabCluster> BuildAsync(LabBlueprint blueprint, IProgress<string>? progress, CancellationToken cancellationToken, bool kernelWireGuard = false)
    {
        var clash = NetnsTable.Names(blueprint.Lab).Where(ns => LabNames.BelongsTo(ns, blueprint.Lab)).ToList();
        if (clash.Count > 0)
        {
            throw new InvalidOperationException($"lab '{blueprint.Lab}' already exists ({clash.Count} namespaces); remove it with 'lab down {blueprint.Lab}'");
        }

        // Before the state file: a host that cannot build the lab must leave nothing.
        if (blueprint.Model?.Attachment == LabAttachment.Bridge)
        {
            await BridgeNetfilter.EnsureLoadedAsync(_options.Runner, BridgeNetfilter.IsLoadedOnThisHost, cancellationToken);
        }

        var store = new LabStateStore(_options.StateDirectory);
        var owner = ProcessIdentity.Current;
        await store.WriteAsync(
            new LabState
            {
                Lab = blueprint.Lab,
                Cni = blueprint.Cni,
                OwnerPid = owner.Pid,
                OwnerStartTicks = owner.StartTicks,
                CreatedAt = _options.TimeProvider.GetUtcNow(),
                Persistent = _options.Persistent,
                Namespaces = blueprint.Namespaces,
            },
            cancellationToken);

        progress?.Report($"{blueprint.Lab}: creating {blueprint.Namespaces.Count} namespaces ({blueprint.Description})");
        var cluster = new LabCluster(blueprint, Hosts(blueprint), _options.Runner, store, _options.TimeProvider, _options.Persistent, _options.KeyDirectory);
        try
        {
            await BatchRunner.RunPhasesAsync(_options.Runner, LabScript.Up(blueprint), cancellationToken);
            await cluster.StartKubeProxyAsync(cancellationToken);
            if (blueprint.Model?.Encryption?.Type == EncryptionType.WireGuard)
            {
                cluster.Attach(await LabWireGuard.StartAsync(blueprint, kernelWireGuard, _options.Runner, _options.KeyDirectory, _options.TimeProvider, cancellationToken));
            }
            else if (blueprint.Model?.Encryption?.Type == EncryptionType.Ipsec)
            {
                // Keys exist only here and in the nodes' kernels; the namespaces take them with them at teardown.
                var ipsec = LabIpsec.Batches(blueprint, LabIpsec.NewAssociations(blueprint));
                await BatchRunner.RunPhasesAsync(_options.Runner, new LabScript([ipsec]), cancellationToken);
                cluster.RecordImplementation(LabIpsec.Implementation);
            }
        }
        catch (Exception buildError)
        {
            // Half a lab is worth nothing; remove it even if the caller's token is already cancelled.
            try
            {
                await cluster.DestroyAsync();
            }
            catch (Exception cleanupError)
            {
                throw new LabCommandException($"{buildError.Message}; removing the half-built lab also failed: {cleanupError.Message}");
            }

            throw;
        }

        // A link is not usable the moment 'ip link set up' returns: packets sent before the kernel marks it up are dropped.
        try
        {
            await LabLinkReadiness.WaitAsync(blueprint.Namespaces, _options.Runner, _options.TimeProvider, LinkReadyTimeout, cancellationToken);
        }
        catch (Exception)
        {
            await cluster.DestroyAsync();
            throw;
        }

        progress?.Report($"{blueprint.Lab}: ready");
        return cluster;
    }

    private IReadOnlyList<ClusterNode> Hosts(LabBlueprint blueprint) =>
    [
        .. blueprint.Nodes.Select(node => new ClusterNode(
            node.Name,
            new LabWorkloadHost(node.Name, node.Name, node.Address, blueprint.Shape.UnderlayMtu, InNamespace(node.Namespace), node.Namespace),
            [
                .. blueprint.Pods
                    .Where(pod => pod.Node == node.Index)
                    .Select(pod => new LabWorkloadHost(pod.Name, pod.NodeName, pod.Address, blueprint.PodMtu, InNamespace(pod.Namespace), pod.Namespace)),
            ])),
    ];

    private NetnsProcessRunner InNamespace(string ns) => new(ns, _options.Runner);

    private static LabProviderOptions Validate(LabProviderOptions options) =>
        LabNames.IsValidRunPrefix(options.RunPrefix)
            ? options
            : throw new ArgumentException($"run prefix '{options.RunPrefix}' must look like 'cnb-3fa2'", nameof(options));
}
