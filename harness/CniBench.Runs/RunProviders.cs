using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Kubernetes;
using CniBench.Lab;
using CniBench.Workloads.Cpu;

namespace CniBench.Runs;

/// <summary>The cluster provider a prepared run asks for, made by the provider's own factory, and where host CPU is sampled.</summary>
public static class RunProviders
{
    public static IClusterProvider Create(PreparedRun run, RunArguments arguments, TimeProvider time, IProgress<string> progress)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(arguments);
        return run.OnLab
            ? LabProvider.ForRun(run.Catalog, run.RunId, time)
            : KubernetesProviderFactory.ForRun(new KubernetesRunOptions
            {
                Catalog = run.Catalog,
                IngressCatalog = run.Ingress,
                Spec = run.Scenario.Kubernetes!,
                RunId = run.RunId,
                AllowInstall = arguments.AllowInstall,
                AllowUnverified = arguments.AllowUnverified,
                WorkloadsDirectory = arguments.WorkloadsDirectory ?? Path.Combine("manifests", "workloads"),
                TimeProvider = time,
                Progress = progress,
            });
    }

    /// <summary>The lab's datapath runs on this host, so its CPU is sampled here; a real cluster's is read from its nodes.</summary>
    public static ICpuSampler? HostCpu(PreparedRun run, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.OnLab ? new ProcStatCpuSampler(time) : null;
    }
}
