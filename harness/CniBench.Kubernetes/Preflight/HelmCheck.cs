using CniBench.Kubernetes.Catalog;
using CniBench.Processes;

namespace CniBench.Kubernetes.Preflight;

/// <summary>Whether helm is on this host's PATH, when the run would call it (a chart install or reading a variant's Helm values).</summary>
public static class HelmCheck
{
    public const string Area = "helm";

    /// <param name="isOnPath">Looks a program up on PATH; tests pass their own.</param>
    public static PreflightFinding? Run(RunNeeds needs, Func<string, bool>? isOnPath = null)
    {
        ArgumentNullException.ThrowIfNull(needs);
        if (needs.HelmNeededFor is not { } why)
        {
            return null;
        }

        return (isOnPath ?? ToolPackages.IsOnPath)("helm")
            ? new PreflightFinding(Area, "helm on this host", FindingLevel.Ok, $"on PATH; needed for {why}")
            : new PreflightFinding(Area, "helm on this host", FindingLevel.Problem, $"not on PATH; needed for {why}", HelmTool.HowToInstall);
    }
}
