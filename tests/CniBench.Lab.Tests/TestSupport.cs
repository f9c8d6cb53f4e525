using CniBench.Catalog;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab.Tests;

internal static class TestSupport
{
    private static readonly Lazy<CniCatalog> LazyCatalog = new(() => CniCatalog.Load(ManifestsDirectory));

    public static CniCatalog Catalog => LazyCatalog.Value;

    /// <summary>manifests/cni of this checkout: found by walking up to the folder that holds CniBench.sln.</summary>
    public static string ManifestsDirectory => Path.Combine(RepositoryRoot(), "manifests", "cni");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no CniBench.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Real labs need root and iproute2; say so instead of passing vacuously.</summary>
    public static void RequireLabHost()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("lab integration tests create network namespaces and need root");
        }

        if (ToolPackages.Which("ip") is null || ToolPackages.Which("bridge") is null || ToolPackages.Which("sysctl") is null)
        {
            Assert.Skip("lab integration tests need iproute2 (ip, bridge) and procps (sysctl)");
        }
    }

    /// <summary>Options with a fresh run prefix and a private state directory, so tests never see each other's labs.</summary>
    public static LabProviderOptions NewOptions(bool persistent = false) => new()
    {
        RunPrefix = LabNames.NewRunPrefix(),
        Persistent = persistent,
        StateDirectory = Path.Combine(Path.GetTempPath(), "cnibench-lab-tests", Guid.NewGuid().ToString("N")),
    };

    public static Task<ProcessResult> IpAsync(params string[] arguments) =>
        LocalProcessRunner.Instance.RunAsync(new ProcessSpec("ip", arguments) { Timeout = TimeSpan.FromSeconds(10) }, TestContext.Current.CancellationToken);
}

/// <summary>Scripted stand-in for the process runner: records every spec and answers from a function.</summary>
internal sealed class FakeProcessRunner(Func<ProcessSpec, ProcessResult> answer) : IProcessRunner
{
    public List<ProcessSpec> Calls { get; } = [];

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add(spec);
        }

        return Task.FromResult(answer(spec));
    }

    public IRunningProcess Start(ProcessSpec spec) => throw new NotSupportedException("the lab does not start background programs itself");
}
