using static CniBench.Kubernetes.Preflight.PermissionScope;

namespace CniBench.Kubernetes.Preflight;

/// <summary>
/// Every RBAC permission a run on a Kubernetes cluster needs, in one place, each with the code that needs it. A new
/// API call in the provider adds its line here, so <c>cnibench doctor</c> checks it before a run meets a 403.
/// </summary>
public static class RunPermissions
{
    private const string Apps = "apps";
    private const string Networking = "networking.k8s.io";

    public static IReadOnlyList<AccessNeed> All { get; } =
    [
        // KubernetesProvider.ReadyNodesAsync picks the nodes; KubernetesNetpolDeployer reads them for the model.
        new("list", "nodes", "", null, Cluster, RunUse.Always, "choosing the nodes (KubernetesProvider, KubernetesNetpolDeployer)"),

        // KubernetesProvider.CreateNamespaceAsync: the run namespace cnibench-<tag>.
        new("create", "namespaces", "", null, Cluster, RunUse.Always, "creating the run namespace (KubernetesProvider)"),

        // KubernetesProvider.IsTerminatingOrGoneAsync: a resumed run's namespace that is still Terminating.
        new("get", "namespaces", "", null, Cluster, RunUse.Always, "waiting out a resumed run's Terminating namespace (KubernetesProvider)"),

        // ServerSideApply of the workload set's Namespace objects: the netpol model namespaces <run-ns>-x/y/z.
        new("patch", "namespaces", "", null, Cluster, RunUse.Always, "applying the netpol model namespaces (ServerSideApply of the workload set)"),

        // KubeCleaner: teardown lists the run's namespaces by label and waits until they are gone; KubernetesNetpolDeployer finds the model's.
        new("list", "namespaces", "", null, Cluster, RunUse.Always, "finding the run's namespaces and waiting for them to go (KubeCleaner, KubernetesNetpolDeployer)"),

        // KubeCleaner.DeleteNamespacesAsync: teardown, and 'cnibench clean'.
        new("delete", "namespaces", "", null, Cluster, RunUse.Always, "deleting the run's namespaces at the end (KubeCleaner)"),

        // ServerSideApply of the iperf3, hostNetwork and agnhost pods; KubernetesServiceExposure labels backends with a merge patch.
        new("patch", "pods", "", null, RunNamespace, RunUse.Always, "applying the workload pods and labelling Service backends (ServerSideApply, KubernetesServiceExposure)"),

        // PodReadiness lists then watches; KubernetesProvider.HostsAsync and the netpol deployer/probe engine list.
        new("list", "pods", "", null, RunNamespace, RunUse.Always, "waiting for the workload pods and finding them (PodReadiness, KubernetesProvider)"),
        new("watch", "pods", "", null, RunNamespace, RunUse.Always, "waiting for the workload pods to be Ready (PodReadiness)"),

        // ClusterFacts.CollectAsync: cni.images in run.json, from pods in every namespace.
        new("list", "pods", "", null, AllNamespaces, RunUse.Always, "recording the CNI's running images in run.json (ClusterFacts)"),

        // PodExecRunner opens exec over a websocket, an HTTP GET that RBAC reads as 'get'; kube-apiserver 1.35 also
        // requires 'create' on it (AuthorizePodWebsocketUpgradeCreatePermission, kubernetes/kubernetes#134577).
        new("get", "pods", "", "exec", RunNamespace, RunUse.Always, "running iperf3, agnhost and the probes in the pods (PodExecRunner: websocket exec is a GET)"),
        new("create", "pods", "", "exec", RunNamespace, RunUse.Always, "running tools in the pods (PodExecRunner; kube-apiserver 1.35+ also checks create for websocket exec)"),

        // PodReadiness and InstallDiagnosis add the last events to a timeout's message.
        new("list", "events", "", null, RunNamespace, RunUse.Always, "the events in a readiness timeout's message (PodReadiness)", Required: false),

        // KubernetesServiceExposure: one ClusterIP Service per measurement, read for its address, deleted after.
        new("patch", "services", "", null, RunNamespace, RunUse.Always, "creating the pod-to-service Services (KubernetesServiceExposure)"),
        new("get", "services", "", null, RunNamespace, RunUse.Always, "reading a Service's ClusterIP (KubernetesServiceExposure)"),
        new("delete", "services", "", null, RunNamespace, RunUse.Always, "deleting a measurement's Service (KubernetesServiceExposure)"),

        // KubernetesServiceExposure waits until the Service's EndpointSlices list exactly its backends.
        new("list", "endpointslices", "discovery.k8s.io", null, RunNamespace, RunUse.Always, "waiting for a Service's endpoints (KubernetesServiceExposure)"),

        // KubeletSummarySampler: node_cpu_cores and node_memory_bytes from the kubelet summary API; without it those rows are unsupported.
        new("get", "nodes", "", "proxy", Cluster, RunUse.Always, "node CPU and memory from the kubelet summary API (KubeletSummarySampler); without it those rows are unsupported", Required: false),

        // CatalogInstaller.ListDaemonSetsAsync detects the running CNI.
        new("list", "daemonsets", Apps, null, CniNamespaces, RunUse.Always, "detecting the running CNI (CatalogInstaller, CniDetector)"),

        // InstallSteps.WaitReadyAsync reads each readiness workload of the CNI and of the ingress controllers.
        new("get", "daemonsets", Apps, null, ReadinessDaemonSets, RunUse.Always, "waiting for the CNI's (and controllers') DaemonSets to be ready (InstallSteps.WaitReadyAsync)"),
        new("get", "deployments", Apps, null, ReadinessDeployments, RunUse.Always, "waiting for the CNI's (and controllers') Deployments to be ready (InstallSteps.WaitReadyAsync)"),

        // KubernetesPolicyEnforcer applies each case's policies, lists and deletes them between cases.
        new("patch", "networkpolicies", Networking, null, RunNamespace, RunUse.NetworkPolicies, "applying each case's NetworkPolicies (KubernetesPolicyEnforcer)"),
        new("list", "networkpolicies", Networking, null, RunNamespace, RunUse.NetworkPolicies, "finding the previous case's NetworkPolicies (KubernetesPolicyEnforcer)"),
        new("delete", "networkpolicies", Networking, null, RunNamespace, RunUse.NetworkPolicies, "deleting NetworkPolicies between cases (KubernetesPolicyEnforcer)"),

        // KubernetesIngressDeployment applies the Ingress (and changes its route), and deletes it after.
        new("patch", "ingresses", Networking, null, RunNamespace, RunUse.Ingress, "applying the Ingress (KubernetesIngressDeployment)"),
        new("delete", "ingresses", Networking, null, RunNamespace, RunUse.Ingress, "deleting the Ingress (KubernetesIngressDeployment)"),

        // IngressInstaller refuses an IngressClass held by another controller.
        new("get", "ingressclasses", Networking, null, Cluster, RunUse.Ingress, "checking who holds the IngressClass (IngressInstaller)"),

        // KubernetesIngressDeployment reads the controller's Service, its pods' restarts and their log tail.
        new("get", "services", "", null, IngressNamespaces, RunUse.Ingress, "reading the controller's Service address (KubernetesIngressDeployment)"),
        new("list", "pods", "", null, IngressNamespaces, RunUse.Ingress, "the controller pods' restarts (KubernetesIngressDeployment)"),
        new("get", "pods", "", "log", IngressNamespaces, RunUse.Ingress, "the controller's log tail when it restarts (KubernetesIngressDeployment)", Required: false),

        // KubernetesIngressDeployment applies the TLS Secret the Ingress names, and deletes it after.
        new("patch", "secrets", "", null, RunNamespace, RunUse.IngressTls, "the Ingress's TLS Secret (KubernetesIngressDeployment)"),
        new("delete", "secrets", "", null, RunNamespace, RunUse.IngressTls, "deleting the TLS Secret (KubernetesIngressDeployment)"),

        // VariantSecret.EnsureAsync reads the variant's Secret and creates it when absent.
        new("get", "secrets", "", null, SecretNamespace, RunUse.VariantSecret, "finding the variant's key Secret (VariantSecret)"),
        new("create", "secrets", "", null, SecretNamespace, RunUse.VariantSecret, "creating the variant's key Secret (VariantSecret)"),

        // InstallSteps.ApplyManifestsAsync server-side applies the catalog's manifests (or helm installs the chart):
        // CRDs, cluster RBAC and the agents' DaemonSets. Granting a ClusterRole also needs the rights it grants (or
        // 'escalate'), so in practice an install needs cluster-admin.
        new("patch", "customresourcedefinitions", "apiextensions.k8s.io", null, Cluster, RunUse.Install, "installing a CNI or controller: its CRDs (InstallSteps, helm)"),
        new("patch", "clusterroles", "rbac.authorization.k8s.io", null, Cluster, RunUse.Install, "installing a CNI or controller: its ClusterRoles (InstallSteps, helm)"),
        new("patch", "clusterrolebindings", "rbac.authorization.k8s.io", null, Cluster, RunUse.Install, "installing a CNI or controller: its ClusterRoleBindings (InstallSteps, helm)"),
        new("patch", "daemonsets", Apps, null, CniReadinessNamespaces, RunUse.Install, "installing the CNI's agents, restarting them for a variant (InstallSteps, CatalogInstaller)"),
    ];

    /// <summary>The permissions a run with these needs asks for.</summary>
    public static IReadOnlyList<AccessNeed> For(RunNeeds needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var uses = RunUse.Always
            | (needs.NetworkPolicies ? RunUse.NetworkPolicies : 0)
            | (needs.Ingress ? RunUse.Ingress : 0)
            | (needs.IngressTls ? RunUse.IngressTls : 0)
            | (needs.MayInstall ? RunUse.Install : 0)
            | (needs.SecretNamespace is not null ? RunUse.VariantSecret : 0);
        return [.. All.Where(p => (p.Use & uses) == p.Use)];
    }
}
