using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CniBench.Catalog;
using YamlDotNet.Serialization;

namespace CniBench.Kubernetes.Catalog;

/// <summary>
/// The CNI-install part of <c>cnibench render</c>, offline: a manifest install shows the objects of the manifests
/// found in the download cache (or says how to fill it), a Helm install shows the exact helm command a run executes.
/// The text is a YAML stream fragment: comments plus <c>---</c>-separated documents, valid before further documents.
/// </summary>
public static partial class CniInstallRender
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    public static string ToYaml(CniManifest manifest, string cacheDirectory, string? kubeconfig, string? context)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        var install = manifest.Kubernetes
            ?? throw new InvalidOperationException($"{manifest.Name} has no 'kubernetes' section in {manifest.SourcePath}: the catalog does not know how to install it");
        var text = new StringBuilder();
        text.Append("# CNI install: ").Append(manifest.Name).Append(' ').Append(manifest.Upstream.Version)
            .Append(" (a run applies it only when the CNI is not already running and the cluster is disposable or --allow-install is given)\n");
        if (install.Status != ProjectStatus.Active)
        {
            Comment(text, $"note: {manifest.Name} is {install.Status.ToString().ToLowerInvariant()} upstream: {install.StatusNote}");
        }

        if (install.Helm is { } chart)
        {
            // The installer passes no extra values either; the chart's objects exist only once helm renders them.
            text.Append("# installed by Helm; a run executes, before the workloads:\n");
            Comment(text, "  helm " + string.Join(' ', HelmTool.UpgradeInstallArguments(chart, new Dictionary<string, string>(), kubeconfig, context).Select(ShellQuote)));
            return text.ToString();
        }

        text.Append("# installed by server-side apply of these manifests, in order, before the workloads:\n");
        var documents = new StringBuilder();
        foreach (var source in install.Manifests)
        {
            Comment(text, $"  {source.Url.AbsoluteUri}");
            if (source.Sha256 is null)
            {
                Comment(text, "    no sha256 pinned: a run downloads it only with --allow-unverified and never caches it, so its objects cannot be shown here");
                continue;
            }

            if (ManifestDownloader.ReadCached(cacheDirectory, source.Sha256) is not { } cached)
            {
                Comment(text, $"    sha256 {source.Sha256}: not cached: run once with network or fetch it to {ManifestDownloader.CachePathIn(cacheDirectory, source.Sha256)}");
                continue;
            }

            var objects = ManifestObjects.Parse(cached, source.Url.AbsoluteUri);
            Comment(text, $"    sha256 {source.Sha256}: from the cache, {objects.Count} objects below");
            documents.Append("# from ").Append(source.Url.AbsoluteUri).Append('\n');
            foreach (var obj in objects)
            {
                documents.Append("---\n").Append(Serializer.Serialize(Plain(obj.Body)).TrimEnd('\n')).Append('\n');
            }
        }

        return text.Append(documents).ToString();
    }

    /// <summary>POSIX-shell quoting, so the comment can be pasted; braces and commas are quoted because bash expands them.</summary>
    public static string ShellQuote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return argument.Length > 0 && SafeArgument().IsMatch(argument) ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    // Every line of a comment starts with '#', even if a value carried a newline, or the YAML would break.
    private static void Comment(StringBuilder text, string line)
    {
        foreach (var part in line.Split('\n'))
        {
            text.Append("# ").Append(part.TrimEnd('\r')).Append('\n');
        }
    }

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject map => map.ToDictionary(kv => kv.Key, kv => Plain(kv.Value), StringComparer.Ordinal),
        JsonArray list => list.Select(Plain).ToList(),
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<long>(out var integer) => integer,
        JsonValue value when value.TryGetValue<double>(out var number) => number,
        JsonValue value => value.GetValue<string>(),
        _ => throw new FormatException($"unexpected JSON node {node.GetType().Name}"),
    };

    [GeneratedRegex("^[A-Za-z0-9_./:=@%+-]+$")]
    private static partial Regex SafeArgument();
}
