using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace CniBench.Kubernetes;

/// <summary>A client for one kubeconfig context, and the names used in messages about it.</summary>
public sealed record KubeConnection(IKubernetes Client, string Context, string Server) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

/// <summary>Loads kubeconfig the way kubectl does and builds clients for named contexts.</summary>
public static class KubeContexts
{
    /// <summary>
    /// The kubeconfig files in effect: the explicit path, else every file in KUBECONFIG,
    /// else ~/.kube/config.
    /// </summary>
    public static IReadOnlyList<string> ResolvePaths(string? explicitPath, IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return [ExpandHome(explicitPath)];
        }

        var fromEnvironment = environment is null ? Environment.GetEnvironmentVariable("KUBECONFIG") : environment.GetValueOrDefault("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return [.. fromEnvironment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
    }

    public static K8SConfiguration Load(string? explicitPath)
    {
        var paths = ResolvePaths(explicitPath);
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count == 0)
        {
            throw new KubeOperationException($"no kubeconfig found (looked at {string.Join(", ", paths)}); pass --kubeconfig or set KUBECONFIG");
        }

        try
        {
            // KUBECONFIG lists are not merged here: the first file that exists is read.
            return KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(existing[0]));
        }
        catch (Exception ex) when (ex is KubeConfigException or YamlDotNet.Core.YamlException or IOException)
        {
            throw new KubeOperationException($"cannot read kubeconfig {string.Join(", ", existing)}: {ex.Message}", ex);
        }
    }

    public static IReadOnlyList<string> ContextNames(K8SConfiguration config) =>
        [.. (config?.Contexts ?? []).Select(c => c.Name).Where(n => !string.IsNullOrEmpty(n)).Order(StringComparer.Ordinal)];

    /// <summary>A client for <paramref name="context"/>; null means the kubeconfig's current context.</summary>
    public static KubeConnection Connect(string? kubeconfigPath, string? context)
    {
        var config = Load(kubeconfigPath);
        var name = context ?? config.CurrentContext;
        var names = ContextNames(config);
        if (string.IsNullOrEmpty(name))
        {
            throw new KubeOperationException($"no context given and the kubeconfig has no current-context; contexts: {List(names)}");
        }

        if (!names.Contains(name, StringComparer.Ordinal))
        {
            throw new KubeOperationException($"kubeconfig has no context '{name}'; contexts that exist: {List(names)}");
        }

        try
        {
            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(config, currentContext: name);
            return new KubeConnection(new k8s.Kubernetes(configuration), name, configuration.Host);
        }
        catch (KubeConfigException ex)
        {
            throw new KubeOperationException($"context '{name}' in the kubeconfig is unusable: {ex.Message}", ex);
        }
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
