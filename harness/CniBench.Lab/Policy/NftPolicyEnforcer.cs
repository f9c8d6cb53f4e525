using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Processes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using CniBench.Processes;
using k8s.Models;

namespace CniBench.Lab.Policy;

/// <summary>
/// Enforces NetworkPolicies in a lab by loading <see cref="NftPolicyCompiler"/>'s scripts into the node
/// namespaces: one <c>nft -f -</c> per node, so each node switches from the old rules to the new in one
/// transaction, all nodes in parallel. Directions the CNI's manifest does not enforce get no rules; a CNI that
/// enforces nothing (flannel) gets no table at all.
/// </summary>
public sealed class NftPolicyEnforcer : IPolicyEnforcer
{
    public static readonly TimeSpan NftTimeout = TimeSpan.FromSeconds(30);

    private readonly ClusterModel _model;
    private readonly IReadOnlyList<PodPlacement> _placements;
    private readonly PolicySupport _enforced;
    private readonly IProcessRunner _runner;
    private readonly IReadOnlyList<string> _nodeNamespaces;

    /// <param name="model">The model with the pods' lab addresses.</param>
    /// <param name="placements">Where every addressed model pod sits; checked now, so a bad one fails before any apply.</param>
    /// <param name="enforced">What the CNI's datapath enforces (its manifest's <c>policy</c> section).</param>
    /// <param name="runner">Runs programs on this host; nft is wrapped in <c>ip netns exec</c> per node.</param>
    public NftPolicyEnforcer(ClusterModel model, IReadOnlyList<PodPlacement> placements, PolicySupport enforced, IProcessRunner runner)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(placements);
        ArgumentNullException.ThrowIfNull(enforced);
        ArgumentNullException.ThrowIfNull(runner);
        NftPolicyCompiler.Compile(model, placements, [], enforced);
        _model = model;
        _placements = placements;
        _enforced = enforced;
        _runner = runner;
        _nodeNamespaces = [.. placements.Select(p => p.NodeNamespace).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>An enforcer for a lab: the CNI's manifest says what is enforced; the underlay baseline enforces nothing.</summary>
    public static NftPolicyEnforcer ForLab(LabBlueprint blueprint, PlacedModel placed, IProcessRunner runner)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(placed);
        return new NftPolicyEnforcer(placed.Model, placed.Placements, blueprint.Manifest?.Policy ?? new PolicySupport(false, false), runner);
    }

    public bool EnforcesIngress => _enforced.Ingress;

    public bool EnforcesEgress => _enforced.Egress;

    /// <summary>nft -f loads each node's rules in one transaction before it returns: the lab is programmed on apply.</summary>
    public bool ProgrammedOnApply => true;

    /// <summary>The node namespaces this enforcer writes to.</summary>
    public IReadOnlyList<string> NodeNamespaces => _nodeNamespaces;

    /// <exception cref="PolicyCompileException">A policy is invalid: nothing was applied anywhere.</exception>
    /// <exception cref="LabCommandException">nft refused a node's script: that node kept its previous rules.</exception>
    public async Task ApplyAsync(IReadOnlyList<V1NetworkPolicy> policies, CancellationToken cancellationToken)
    {
        var scripts = NftPolicyCompiler.Compile(_model, _placements, DocumentedEnforcement.Effective(policies, _enforced), _enforced);
        await LoadAsync(scripts, cancellationToken);
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        if (!_enforced.Ingress && !_enforced.Egress)
        {
            return;
        }

        await LoadAsync([.. _nodeNamespaces.Select(ns => new NftNodeScript(ns, NftPolicyCompiler.ClearScript))], cancellationToken);
    }

    private async Task LoadAsync(IReadOnlyList<NftNodeScript> scripts, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(scripts.Select(async script =>
        {
            var spec = new ProcessSpec("nft", ["-f", "-"]) { StandardInput = script.Text, Timeout = NftTimeout };
            return (script.NodeNamespace, Result: await new NetnsProcessRunner(script.NodeNamespace, _runner).RunAsync(spec, cancellationToken));
        }));
        var failures = results
            .Where(r => !r.Result.Succeeded)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"nft -f - in {r.NodeNamespace} exited with code {r.Result.ExitCode}: {r.Result.StandardError.Trim()}"))
            .ToList();
        if (failures.Count > 0)
        {
            throw new LabCommandException(string.Join("; ", failures));
        }

        // Flows admitted under the previous rules would otherwise still pass as 'established' (a UDP probe
        // reusing a source port within conntrack's timeout): each policy change starts from a clean table.
        await Task.WhenAll(scripts.Select(async script =>
        {
            var flush = await new NetnsProcessRunner(script.NodeNamespace, _runner)
                .RunAsync(new ProcessSpec("conntrack", ["-F"]) { Timeout = NftTimeout }, cancellationToken);
            if (!flush.Succeeded && !flush.StandardError.Contains("0 flow entries", StringComparison.Ordinal))
            {
                throw new LabCommandException($"conntrack -F in {script.NodeNamespace} exited with code {flush.ExitCode}: {flush.StandardError.Trim()}");
            }
        }));
    }
}
