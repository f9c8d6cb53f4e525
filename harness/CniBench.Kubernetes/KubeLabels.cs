namespace CniBench.Kubernetes;

/// <summary>Labels and names CniBench puts on what it creates, so a run's objects can be found and removed.</summary>
public static class KubeLabels
{
    public const string Run = "cnibench.io/run";

    public const string Role = "cnibench.io/role";

    public const string Iperf3Role = "iperf3";

    public const string HostNetworkRole = "iperf3-host";

    public const string FieldManager = "cnibench";

    /// <summary>The run namespace, e.g. <c>cnibench-3fa2</c>, from the run id's short tag.</summary>
    public static string RunNamespace(string runId) => "cnibench-" + Core.Planning.RunIds.Tag(runId).ToLowerInvariant();

    /// <summary>Label values allow [A-Za-z0-9._-] up to 63 characters; run ids already fit, others are cleaned.</summary>
    public static string LabelValue(string value)
    {
        var chars = value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        var text = new string(chars).Trim('-', '_', '.');
        return text.Length <= 63 ? text : text[..63].TrimEnd('-', '_', '.');
    }
}
