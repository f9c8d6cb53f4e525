using System.Net;
using k8s;
using k8s.Autorest;

namespace CniBench.Kubernetes.Preflight;

/// <summary>
/// Whether metrics-server serves the resource metrics API. Never a problem: a run reads node CPU and memory from the
/// kubelet summary API (KubeletSummarySampler), so this is for <c>kubectl top</c> while you watch a run.
/// </summary>
public static class MetricsServerCheck
{
    public const string Area = "metrics-server";

    /// <summary>The APIService metrics-server registers.</summary>
    public const string ApiService = "v1beta1.metrics.k8s.io";

    private const string Purpose = "optional: runs take node CPU and memory from the kubelet summary API, not from metrics-server; it serves 'kubectl top' for watching a run";

    public static async Task<PreflightFinding> RunAsync(IKubernetes client, string cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var service = await client.ApiregistrationV1.ReadAPIServiceAsync(ApiService, cancellationToken: cancellationToken);
            var available = service.Status?.Conditions?.FirstOrDefault(c => c.Type == "Available");
            var state = available?.Status == "True" ? "present and Available" : $"registered but not Available ({available?.Reason ?? "no Available condition"})";
            return new PreflightFinding(Area, ApiService, FindingLevel.Info, $"{state}; {Purpose}");
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return new PreflightFinding(Area, ApiService, FindingLevel.Info, $"absent; {Purpose}");
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            return new PreflightFinding(Area, ApiService, FindingLevel.Info, $"unknown ({KubeErrors.Describe(ex, cluster, $"reading the APIService {ApiService}")}); {Purpose}");
        }
    }
}
