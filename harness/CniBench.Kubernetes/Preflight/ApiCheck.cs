using k8s;

namespace CniBench.Kubernetes.Preflight;

/// <summary>Whether the API server answers at all, and which Kubernetes version it runs (<c>GET /version</c>).</summary>
public static class ApiCheck
{
    public const string Area = "api";

    /// <summary>An Ok finding with the version, or a Problem saying why the server cannot be used (the other checks are then skipped).</summary>
    public static async Task<PreflightFinding> RunAsync(IKubernetes client, string cluster, string server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            var version = await client.Version.GetCodeAsync(bound.Token);
            return new PreflightFinding(Area, server, FindingLevel.Ok, $"reachable, Kubernetes {version.GitVersion ?? "(no gitVersion)"} ({version.Platform ?? "unknown platform"})");
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = ex is OperationCanceledException
                ? $"the API server of cluster '{cluster}' did not answer GET /version within {timeout.TotalSeconds:0} s"
                : KubeErrors.Describe(ex, cluster, "reading its version (GET /version)");
            return new PreflightFinding(
                Area,
                server,
                FindingLevel.Problem,
                why,
                "check that the cluster runs and that the kubeconfig's server address, credentials and network path (VPN, proxy) are right; 'kubectl --context " + cluster + " version' must answer");
        }
    }
}
