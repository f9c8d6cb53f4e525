using System.Text;
using CniBench.Core.Catalog;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Kubernetes.Catalog;

/// <summary>Typed wrapper around the <c>helm</c> CLI for chart installs from the catalog.</summary>
public sealed class HelmTool(IProcessRunner runner, Func<string, bool>? isInstalled = null)
{
    public const string HowToInstall = "install helm from its release page (https://github.com/helm/helm/releases) and put it on PATH; helm is not a Debian package";

    private readonly Func<string, bool> _isInstalled = isInstalled ?? ToolPackages.IsOnPath;

    /// <summary>
    /// <c>helm upgrade --install</c> argv. Readiness is waited for by the installer, not by <c>--wait</c>, so both
    /// install methods report readiness the same way.
    /// </summary>
    public static IReadOnlyList<string> UpgradeInstallArguments(
        HelmChartSpec chart, IReadOnlyDictionary<string, string> extraValues, string? kubeconfig, string? context)
    {
        var args = new List<string>
        {
            "upgrade", "--install", chart.Release, chart.Chart,
            "--repo", chart.Repo.AbsoluteUri,
            "--version", chart.Version,
            "-n", chart.Namespace,
            "--create-namespace",
        };
        if (kubeconfig is not null)
        {
            args.AddRange(["--kubeconfig", kubeconfig]);
        }

        if (context is not null)
        {
            args.AddRange(["--kube-context", context]);
        }

        // A variant's value overrides the chart default of the same key; order stays as the catalog wrote it.
        var merged = new Dictionary<string, string>(chart.Values, StringComparer.Ordinal);
        foreach (var (key, value) in extraValues)
        {
            merged[key] = value;
        }

        foreach (var (key, value) in merged)
        {
            args.AddRange(["--set", $"{key}={EscapeSetValue(value)}"]);
        }

        return args;
    }

    public async Task UpgradeInstallAsync(
        HelmChartSpec chart, IReadOnlyDictionary<string, string> extraValues, string? kubeconfig, string? context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_isInstalled("helm"))
        {
            throw new ToolMissingException("helm", "helm", HowToInstall);
        }

        var spec = new ProcessSpec("helm", UpgradeInstallArguments(chart, extraValues, kubeconfig, context)) { Timeout = timeout };
        var result = await runner.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"helm install of chart {chart.Chart} {chart.Version} from {chart.Repo} (release {chart.Release} in {chart.Namespace}) failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
        }
    }

    // helm --set splits on unescaped commas; a list literal {a,b} keeps its commas on purpose.
    private static string EscapeSetValue(string value)
    {
        if (value.StartsWith('{') && value.EndsWith('}'))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c == ',')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
