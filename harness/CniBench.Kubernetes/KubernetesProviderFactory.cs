using CniBench.Catalog;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Catalog;
using CniBench.Kubernetes.Ingress;
using CniBench.Kubernetes.Workloads;
using CniBench.Processes;

namespace CniBench.Kubernetes;

/// <summary>What one <c>cnibench run</c> on real clusters gives the provider: the catalogs, the scenario's clusters and the run's switches.</summary>
public sealed record KubernetesRunOptions
{
    public required CniCatalog Catalog { get; init; }

    /// <summary>The ingress controller catalog; null leaves the ingress test unsupported.</summary>
    public IngressCatalog? IngressCatalog { get; init; }

    public required KubernetesSpec Spec { get; init; }

    public required string RunId { get; init; }

    /// <summary><c>--allow-install</c>: install even on a cluster the scenario does not mark disposable.</summary>
    public bool AllowInstall { get; init; }

    /// <summary><c>--allow-unverified</c>: apply catalog manifests that have no sha256.</summary>
    public bool AllowUnverified { get; init; }

    /// <summary>The workload templates (<c>manifests/workloads</c>).</summary>
    public required string WorkloadsDirectory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Lines from installing ingress controllers, for the console.</summary>
    public IProgress<string>? Progress { get; init; }
}

/// <summary>Builds the Kubernetes provider of a run: installers over the pinned-manifest cache and helm, and the workload templates.</summary>
public static class KubernetesProviderFactory
{
    public static KubernetesProvider ForRun(KubernetesRunOptions run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var spec = run.Spec;
        var downloader = new ManifestDownloader(new HttpClient(), ManifestDownloader.DefaultCacheDirectory);
        var helm = new HelmTool(LocalProcessRunner.Instance);
        var installer = new CatalogInstaller(
            run.Catalog,
            downloader,
            helm,
            new CatalogInstallerOptions { AllowUnverified = run.AllowUnverified, Kubeconfig = spec.Kubeconfig, ReadyTimeout = spec.ReadyTimeout, TimeProvider = run.TimeProvider });
        var ingressInstaller = run.IngressCatalog is null
            ? null
            : new IngressInstaller(
                run.IngressCatalog,
                downloader,
                helm,
                new IngressInstallerOptions
                {
                    AllowUnverified = run.AllowUnverified,
                    Kubeconfig = spec.Kubeconfig,
                    ReadyTimeout = spec.ReadyTimeout,
                    TimeProvider = run.TimeProvider,
                    Images = new Dictionary<string, string>(StringComparer.Ordinal) { ["yarp"] = spec.Images.YarpIngress },
                    Progress = run.Progress,
                });
        return new KubernetesProvider(new KubernetesProviderOptions
        {
            Spec = spec,
            Catalog = run.Catalog,
            RunId = run.RunId,
            AllowInstall = run.AllowInstall,
            TimeProvider = run.TimeProvider,
            Installer = installer,
            IngressInstaller = ingressInstaller,
            Workloads = TemplateWorkloadSet.Load(run.WorkloadsDirectory),
        });
    }
}
