using CniBench.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Preflight;

/// <summary>Asks the API server, one SelfSubjectAccessReview per permission and namespace, whether the kubeconfig's user may.</summary>
public static class PermissionCheck
{
    public const string Area = "permission";

    /// <param name="runNamespace">The run namespace the reviews ask about for <see cref="PermissionScope.RunNamespace"/>.</param>
    public static async Task<IReadOnlyList<PreflightFinding>> RunAsync(
        IKubernetes client, string cluster, RunNeeds needs, string runNamespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(needs);
        var findings = new List<PreflightFinding>();
        foreach (var permission in RunPermissions.For(needs))
        {
            foreach (var ns in Namespaces(permission.Scope, needs, runNamespace))
            {
                findings.Add(await ReviewAsync(client, cluster, permission, ns, cancellationToken));
            }
        }

        return findings;
    }

    /// <summary>Null stands for the whole cluster: cluster-scoped, or a namespaced resource in every namespace.</summary>
    private static IReadOnlyList<string?> Namespaces(PermissionScope scope, RunNeeds needs, string runNamespace) => scope switch
    {
        PermissionScope.Cluster or PermissionScope.AllNamespaces => [null],
        PermissionScope.RunNamespace => [runNamespace],
        PermissionScope.CniNamespaces => [.. needs.CniNamespaces],
        PermissionScope.CniReadinessNamespaces => [.. needs.CniReadinessNamespaces],
        PermissionScope.ReadinessDaemonSets => ReadinessNamespaces(needs, WorkloadKind.DaemonSet),
        PermissionScope.ReadinessDeployments => ReadinessNamespaces(needs, WorkloadKind.Deployment),
        PermissionScope.IngressNamespaces => [.. needs.IngressNamespaces],
        PermissionScope.SecretNamespace => needs.SecretNamespace is null ? [] : [needs.SecretNamespace],
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    private static IReadOnlyList<string?> ReadinessNamespaces(RunNeeds needs, WorkloadKind kind) =>
        [.. needs.ReadinessWorkloads.Where(w => w.Kind == kind).Select(w => w.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static async Task<PreflightFinding> ReviewAsync(IKubernetes client, string cluster, AccessNeed permission, string? ns, CancellationToken cancellationToken)
    {
        var check = permission.Scope == PermissionScope.AllNamespaces ? $"{permission.Spelled} in all namespaces"
            : ns is null ? permission.Spelled
            : $"{permission.Spelled} in {ns}";
        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = permission.Verb,
                    Group = permission.Group,
                    Resource = permission.Resource,
                    Subresource = permission.Subresource,
                    NamespaceProperty = ns,
                },
            },
        };
        var answer = await KubeErrors.GuardAsync(
            () => client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review, cancellationToken: cancellationToken),
            cluster,
            $"asking whether it may {check} (SelfSubjectAccessReview)");
        if (answer.Status?.Allowed == true)
        {
            return new PreflightFinding(Area, check, FindingLevel.Ok, permission.NeededBy);
        }

        var reason = string.IsNullOrWhiteSpace(answer.Status?.Reason) ? "" : $" ({answer.Status.Reason})";
        var fix = permission.Scope switch
        {
            PermissionScope.Cluster or PermissionScope.AllNamespaces => $"grant '{permission.Spelled}' with a ClusterRole and ClusterRoleBinding",
            PermissionScope.RunNamespace => $"grant '{permission.Spelled}' cluster-wide (ClusterRole + ClusterRoleBinding): a run's namespaces are new on every run",
            _ => $"grant '{permission.Spelled}' in namespace {ns} (a Role and RoleBinding there, or a ClusterRoleBinding)",
        };
        return new PreflightFinding(
            Area,
            check,
            permission.Required ? FindingLevel.Problem : FindingLevel.Warning,
            $"denied{reason}: needed for {permission.NeededBy}",
            fix);
    }
}
