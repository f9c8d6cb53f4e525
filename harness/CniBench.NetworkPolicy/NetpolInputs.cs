using CniBench.Core.Yaml;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Policies;
using k8s.Models;

namespace CniBench.NetworkPolicy;

/// <summary>
/// A model and the policies to evaluate on it, both read and validated, with the policies' ipBlock placeholders
/// resolved on <see cref="Addresses"/>.
/// </summary>
public sealed record NetpolInputs(ClusterModel Model, IReadOnlyList<LoadedPolicy> Policies, AddressPlan Addresses, IReadOnlyList<V1NetworkPolicy> Resolved)
{
    public PolicyOracle CreateOracle() => new(Model, Resolved);

    /// <summary>
    /// Reads the policies (a file or a folder) and the model (a file, or the upstream default when null);
    /// errors from both are reported together so that one run shows everything to fix. The default model is placed as
    /// the lab places it (<see cref="ReferencePlacement"/>), so its tables are the lab's; a model file's pods keep their
    /// own addresses and have no nodes, so only <c>{{pod …}}</c> and <c>{{pod-network}}</c> resolve on it.
    /// </summary>
    public static NetpolInputsResult Load(string policiesPath, string? modelPath)
    {
        var policies = PolicyLoader.LoadPath(policiesPath);
        var model = modelPath is null ? new ModelLoadResult(DefaultModel.Create(), []) : ModelLoader.LoadFile(modelPath);
        var errors = policies.Errors.Concat(model.Errors).ToList();
        if (errors.Count > 0 || model.Model is null)
        {
            return new NetpolInputsResult(null, errors);
        }

        var (placed, plan) = modelPath is null ? ReferencePlacement.Place(model.Model) : (model.Model, AddressPlan.FromModel(model.Model));
        var resolution = IpBlockPlaceholders.Resolve([.. policies.Policies.Select(p => p.Policy)], plan);
        return resolution.Succeeded
            ? new NetpolInputsResult(new NetpolInputs(placed, policies.Policies, plan, resolution.Policies), [])
            : new NetpolInputsResult(null, [.. resolution.Errors.Select(e => new InputError(modelPath ?? policiesPath, 0, 0, e))]);
    }
}

public sealed record NetpolInputsResult(NetpolInputs? Inputs, IReadOnlyList<InputError> Errors);
