namespace CniBench.Kubernetes.Tests.Workloads;

/// <summary>The checkout's data folders, found from the test binary upwards.</summary>
internal static class WorkloadTestPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "manifests", "workloads")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("manifests/workloads not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Workloads => Path.Combine(Root, "manifests", "workloads");

    public static string Cni => Path.Combine(Root, "manifests", "cni");

    public static string Scenarios => Path.Combine(Root, "scenarios");
}
