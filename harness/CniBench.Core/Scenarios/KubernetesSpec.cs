namespace CniBench.Core.Scenarios;

/// <summary>The <c>kubernetes:</c> section of a scenario: where each CNI's cluster is and what may be done to it.</summary>
public sealed record KubernetesSpec
{
    /// <summary>Kubeconfig file; null means what kubectl uses (KUBECONFIG, then ~/.kube/config).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>One cluster per CNI, keyed by CNI name.</summary>
    public IReadOnlyDictionary<string, KubernetesClusterSpec> Clusters { get; init; } = new Dictionary<string, KubernetesClusterSpec>();

    public KubernetesImagesSpec Images { get; init; } = new();

    /// <summary>How long to wait for a CNI install or a workload to become ready.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>A CNI's cluster: an existing kubeconfig context, or a provisioner that creates one.</summary>
public sealed record KubernetesClusterSpec
{
    public string? Context { get; init; }

    /// <summary>Only a disposable cluster may have a CNI installed on it (or --allow-install).</summary>
    public bool Disposable { get; init; }

    /// <summary>Command line that creates the cluster; <c>{cni}</c> and <c>{podCidr}</c> are replaced.</summary>
    public string? Provision { get; init; }

    /// <summary>Command line that destroys what <see cref="Provision"/> created.</summary>
    public string? Destroy { get; init; }
}

/// <summary>Container images of the workloads, pinned by default.</summary>
public sealed record KubernetesImagesSpec
{
    public string Iperf3 { get; init; } = DefaultIperf3;

    public string Agnhost { get; init; } = DefaultAgnhost;

    /// <summary>CniBench's YARP ingress controller image, which the user builds and pushes (it is not published).</summary>
    public string YarpIngress { get; init; } = DefaultYarpIngress;

    /// <summary>The tag harness/CniBench.Ingress.Yarp/Dockerfile's header builds.</summary>
    public const string DefaultYarpIngress = "cnibench-ingress:dev";

    /// <summary>
    /// nicolaka/netshoot release v0.16 (tag of 2026-07-01): Alpine 3.24.1 with Alpine's iperf3 package, plus a
    /// shell and sleep so the harness can exec clients into a pod kept alive. Its release workflow pushes each
    /// v* git tag as an immutable image tag (nicolaka/netshoot .github/workflows/release-buildx.yml).
    /// </summary>
    public const string DefaultIperf3 = "docker.io/nicolaka/netshoot:v0.16";

    /// <summary>
    /// The agnhost tag upstream's e2e suite pins in test/utils/image/manifest.go (kubernetes/kubernetes#141537,
    /// release-1.36); porter serves UDP since 2.60 (kubernetes/kubernetes#135911, kubernetes/k8s.io#8938).
    /// </summary>
    public const string DefaultAgnhost = "registry.k8s.io/e2e-test-images/agnhost:2.66.1";
}
