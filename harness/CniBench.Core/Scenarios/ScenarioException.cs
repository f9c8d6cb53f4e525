using CniBench.Core.Yaml;

namespace CniBench.Core.Scenarios;

/// <summary>A scenario that cannot run; carries every error found, not just the first.</summary>
public sealed class ScenarioException(IReadOnlyList<InputError> errors)
    : Exception(Format(errors))
{
    public IReadOnlyList<InputError> Errors { get; } = errors;

    private static string Format(IReadOnlyList<InputError> errors) =>
        $"the scenario has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
