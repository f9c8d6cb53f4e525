namespace CniBench.Kubernetes.Preflight;

public enum FindingLevel
{
    /// <summary>Checked and fine.</summary>
    Ok,

    /// <summary>A fact worth knowing that does not limit the run (the server version, an optional add-on).</summary>
    Info,

    /// <summary>The run works, with less: e.g. node CPU rows become unsupported.</summary>
    Warning,

    /// <summary>The run would fail: fix it first.</summary>
    Problem,
}

/// <summary>One line of a cluster preflight: what was checked, the outcome, and for anything short of ok how to fix it.</summary>
/// <param name="Area">The group it belongs to: api, permission, node, cni, metrics-server, helm, image.</param>
/// <param name="Check">What was checked, e.g. <c>create pods/exec in cnibench-3fa2</c> or a node's name.</param>
public sealed record PreflightFinding(string Area, string Check, FindingLevel Level, string Detail, string? Fix = null);
