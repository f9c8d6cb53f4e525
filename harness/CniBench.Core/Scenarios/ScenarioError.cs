namespace CniBench.Core.Scenarios;

/// <summary>One problem in a scenario file, located precisely enough to fix without guessing.</summary>
public sealed record ScenarioError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>A scenario that cannot run; carries every error found, not just the first.</summary>
public sealed class ScenarioException(IReadOnlyList<ScenarioError> errors)
    : Exception(Format(errors))
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;

    private static string Format(IReadOnlyList<ScenarioError> errors) =>
        $"the scenario has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
