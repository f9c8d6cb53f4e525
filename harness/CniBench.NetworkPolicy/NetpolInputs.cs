using CniBench.Core.Yaml;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Policies;

namespace CniBench.NetworkPolicy;

/// <summary>A model and the policies to evaluate on it, both read and validated.</summary>
public sealed record NetpolInputs(ClusterModel Model, IReadOnlyList<LoadedPolicy> Policies)
{
    public PolicyOracle CreateOracle() => new(Model, Policies.Select(p => p.Policy));

    /// <summary>
    /// Reads the policies (a file or a folder) and the model (a file, or the upstream default when null);
    /// errors from both are reported together so that one run shows everything to fix.
    /// </summary>
    public static NetpolInputsResult Load(string policiesPath, string? modelPath)
    {
        var policies = PolicyLoader.LoadPath(policiesPath);
        var model = modelPath is null ? new ModelLoadResult(DefaultModel.Create(), []) : ModelLoader.LoadFile(modelPath);
        var errors = policies.Errors.Concat(model.Errors).ToArray();
        return errors.Length > 0 || model.Model is null
            ? new NetpolInputsResult(null, errors)
            : new NetpolInputsResult(new NetpolInputs(model.Model, policies.Policies), []);
    }
}

public sealed record NetpolInputsResult(NetpolInputs? Inputs, IReadOnlyList<InputError> Errors);
