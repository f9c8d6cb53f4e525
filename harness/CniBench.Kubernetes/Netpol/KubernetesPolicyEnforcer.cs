using System.Net;
using CniBench.Kubernetes.Workloads;
using CniBench.NetworkPolicy.Conformance;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CniBench.Kubernetes.Netpol;

/// <summary>
/// Creates a case's NetworkPolicies in the run's model namespaces and deletes them again. Enforcement is the CNI's
/// business, and observing it is the point, so both directions are reported as enforced.
/// </summary>
public sealed class KubernetesPolicyEnforcer(IKubernetes client, string cluster, string runNamespace, string runId, IReadOnlyList<string> modelNamespaces) : IPolicyEnforcer
{
    public bool EnforcesIngress => true;

    public bool EnforcesEgress => true;

    /// <summary>The API server accepting a policy says nothing about the datapath: the CNI programs it later, on its own.</summary>
    public bool ProgrammedOnApply => false;

    private string Selector => $"{KubeLabels.Run}={KubeLabels.LabelValue(runId)}";

    public async Task ApplyAsync(IReadOnlyList<V1NetworkPolicy> policies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policies);

        // Every policy is rewritten before the cluster is touched, so a bad one leaves the previous state in place.
        var rewritten = policies.Select(p => NetpolPolicyRewriter.Rewrite(p, runNamespace, runId, modelNamespaces)).ToList();
        await ClearAsync(cancellationToken);
        foreach (var policy in rewritten)
        {
            await ServerSideApply.ApplyAsync(client, cluster, policy, policy.Metadata.NamespaceProperty, cancellationToken);
        }
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var model in modelNamespaces)
        {
            var ns = WorkloadNames.NetpolNamespace(runNamespace, model);
            var list = await KubeErrors.GuardAsync(
                () => client.NetworkingV1.ListNamespacedNetworkPolicyAsync(ns, labelSelector: Selector, cancellationToken: cancellationToken),
                cluster,
                $"listing the run's NetworkPolicies in namespace {ns}");
            foreach (var name in list.Items.Select(p => p.Metadata.Name))
            {
                await DeleteAsync(ns, name, cancellationToken);
            }
        }
    }

    private async Task DeleteAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            await KubeErrors.GuardAsync(
                () => client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(name, ns, cancellationToken: cancellationToken),
                cluster,
                $"deleting NetworkPolicy {ns}/{name}");
        }
        catch (KubeOperationException ex) when (ex.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound })
        {
            // Already gone (e.g. removed with its namespace): that is what deleting wanted.
        }
    }
}
