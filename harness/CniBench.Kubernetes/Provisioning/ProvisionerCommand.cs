using CniBench.Catalog;
using CniBench.Core.Processes;

namespace CniBench.Kubernetes.Provisioning;

/// <summary>Turns a scenario's <c>provision</c> or <c>destroy</c> line into a <see cref="ProcessSpec"/> for one CNI.</summary>
public static class ProvisionerCommand
{
    public const string CniPlaceholder = "{cni}";

    public const string PodCidrPlaceholder = "{podCidr}";

    /// <summary>
    /// Splits <paramref name="commandLine"/> and replaces the placeholders inside each argument, so a pod CIDR or a
    /// CNI name can never add or split arguments.
    /// </summary>
    /// <param name="podCidr">Asked for only when an argument contains <c>{podCidr}</c>.</param>
    public static ProcessSpec Expand(string commandLine, string cni, Func<string> podCidr, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(podCidr);
        var argv = CommandLine.Split(commandLine);
        if (argv.Count == 0)
        {
            throw new CommandLineException("the command line is empty");
        }

        var needsCidr = argv.Any(a => a.Contains(PodCidrPlaceholder, StringComparison.Ordinal));
        var cidr = needsCidr ? podCidr() : "";
        var expanded = argv
            .Select(a => a.Replace(CniPlaceholder, cni, StringComparison.Ordinal).Replace(PodCidrPlaceholder, cidr, StringComparison.Ordinal))
            .ToList();
        return new ProcessSpec(expanded[0], expanded[1..]) { Timeout = timeout };
    }

    /// <summary>The CNI's default Kubernetes pod CIDR from the catalog, or an error that says what to add.</summary>
    public static string PodCidrFor(CniCatalog? catalog, string cni)
    {
        if (catalog is null)
        {
            throw new InvalidOperationException($"the provisioner for '{cni}' uses {PodCidrPlaceholder}, but no CNI catalog was given to look it up");
        }

        if (!catalog.TryGet(cni, out var manifest))
        {
            throw new InvalidOperationException($"the provisioner uses {PodCidrPlaceholder}, but the catalog has no CNI '{cni}'");
        }

        return manifest.Kubernetes?.PodCidr.Default
            ?? throw new InvalidOperationException(
                $"the provisioner for '{cni}' uses {PodCidrPlaceholder}, but {Describe(manifest)} has no kubernetes.podCidr.default; " +
                "add one there or write the CIDR into the scenario's provision line");
    }

    private static string Describe(CniManifest manifest) => string.IsNullOrEmpty(manifest.SourcePath) ? $"the catalog entry of '{manifest.Name}'" : manifest.SourcePath;
}
