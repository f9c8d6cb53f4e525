using System.Text;
using CniBench.Catalog;
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

    /// <summary><c>helm get values --all -o json</c> argv: the values a release runs with, chart defaults included.</summary>
    public static IReadOnlyList<string> GetValuesArguments(HelmChartSpec chart, string? kubeconfig, string? context)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var args = new List<string> { "get", "values", chart.Release, "-n", chart.Namespace, "--all", "-o", "json" };
        if (kubeconfig is not null)
        {
            args.AddRange(["--kubeconfig", kubeconfig]);
        }

        if (context is not null)
        {
            args.AddRange(["--kube-context", context]);
        }

        return args;
    }

    /// <summary>
    /// The release's values, or why they cannot be read (helm missing, release absent, unreadable output). Read-only:
    /// used to check a variant on a cluster CniBench may not change.
    /// </summary>
    public async Task<(System.Text.Json.Nodes.JsonNode? Values, string? WhyNot)> GetValuesAsync(
        HelmChartSpec chart, string? kubeconfig, string? context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (!_isInstalled("helm"))
        {
            return (null, "helm is not installed, so the release's values were not read");
        }

        var result = await runner.RunAsync(new ProcessSpec("helm", GetValuesArguments(chart, kubeconfig, context)) { Timeout = timeout }, cancellationToken);
        if (!result.Succeeded)
        {
            var first = result.StandardError.Trim().Split('\n', 2)[0];
            return (null, $"helm get values {chart.Release} -n {chart.Namespace} failed with exit code {result.ExitCode}: {first}");
        }

        try
        {
            return (System.Text.Json.Nodes.JsonNode.Parse(result.StandardOutput), null);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, $"helm get values {chart.Release} printed no JSON: {ex.Message}");
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
