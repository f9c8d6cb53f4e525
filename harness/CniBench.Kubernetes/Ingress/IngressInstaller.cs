using System.Net;
using System.Text.RegularExpressions;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Catalog;
using k8s;

namespace CniBench.Kubernetes.Ingress;

public sealed record IngressInstallerOptions
{
    /// <summary>Apply manifests whose sha256 the catalog does not pin.</summary>
    public bool AllowUnverified { get; init; }

    /// <summary>Passed to helm; null means what helm uses (KUBECONFIG, then ~/.kube/config).</summary>
    public string? Kubeconfig { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public IProgress<string>? Progress { get; init; }

    /// <summary>
    /// Image per controller name for entries CniBench does not publish (<c>install.image</c>: yarp), e.g.
    /// <c>kubernetes.images.yarpIngress</c>; a controller not listed gets the entry's <c>install.image.default</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Images { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>What the installer found or did, and where clients reach the controller.</summary>
public sealed record IngressInstallResult(IngressControllerSpec Controller, bool InstalledNow)
{
    /// <summary>Facts for run.json: <c>ingress.controller</c>, <c>ingress.version</c>, <c>ingress.installed</c>, <c>ingress.class</c>, <c>ingress.service</c>.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ingress.controller"] = Controller.Name,
        ["ingress.version"] = Controller.Upstream.Version,
        ["ingress.installed"] = InstalledNow ? "installed by CniBench" : "found running",
        ["ingress.class"] = Controller.IngressClass.Name,
        ["ingress.service"] = Controller.Service?.ToString() ?? "",
    };
}

/// <summary>
/// Installs a catalog ingress controller with the CNI catalog's machinery (pinned manifests through
/// <see cref="ManifestDownloader"/>, or <see cref="HelmTool"/>, or for an image CniBench does not publish the entry's
/// shipped files with <c>{{image}}</c> replaced; readiness of the same workloads). A controller whose
/// readiness workloads all exist counts as running and is only waited for; anything is installed only on a cluster
/// marked disposable (<c>--allow-install</c> is folded into <see cref="KubernetesClusterSpec.Disposable"/>).
/// </summary>
public sealed partial class IngressInstaller(IngressCatalog catalog, ManifestDownloader downloader, HelmTool helm, IngressInstallerOptions? options = null)
{
    /// <summary>What a shipped file writes where the configured image goes.</summary>
    public const string ImagePlaceholder = "{{image}}";

    private readonly IngressInstallerOptions _options = options ?? new IngressInstallerOptions();

    /// <summary>The entries it installs; read before an install to refuse what an entry cannot do.</summary>
    public IngressCatalog Catalog => catalog;

    /// <summary>
    /// Throws <see cref="ClusterUnsupportedException"/> for an entry CniBench cannot install (<c>unavailable</c>) or an
    /// IngressClass of the same name that belongs to another controller, and <see cref="InvalidOperationException"/>
    /// when the controller is missing on a cluster CniBench may not change. Nothing is written in those cases.
    /// </summary>
    public async Task<IngressInstallResult> EnsureInstalledAsync(IKubernetes client, string controllerName, KubernetesClusterSpec cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(cluster);
        var controller = catalog[controllerName];
        if (controller.Unavailable is { } why)
        {
            throw new ClusterUnsupportedException($"ingress controller {controller.Name} cannot be installed on a cluster yet: {why}");
        }

        var clusterName = cluster.Context ?? "(current context)";
        var what = $"ingress controller {controller.Name}";
        await CheckIngressClassAsync(client, clusterName, controller, cancellationToken);

        var missing = new List<WorkloadRef>();
        foreach (var workload in controller.Readiness)
        {
            if (!await InstallSteps.ExistsAsync(client, clusterName, workload, cancellationToken))
            {
                missing.Add(workload);
            }
        }

        if (missing.Count == 0)
        {
            _options.Progress?.Report($"{clusterName}: {what} is running ({string.Join(", ", controller.Readiness)}); waiting until it is ready");
            await WaitReadyAsync(client, clusterName, controller, what, cancellationToken);
            return new IngressInstallResult(controller, InstalledNow: false);
        }

        if (!cluster.Disposable)
        {
            throw new InvalidOperationException(
                $"cluster '{clusterName}' does not run {what} (missing: {string.Join(", ", missing)}) and is not marked disposable, so CniBench installs nothing: " +
                "install it yourself, mark the cluster 'disposable: true', or pass --allow-install");
        }

        _options.Progress?.Report($"{clusterName}: installing {what} {controller.Upstream.Version} (missing: {string.Join(", ", missing)})");
        if (controller.Status != ProjectStatus.Active)
        {
            _options.Progress?.Report($"{controller.Name} is {controller.Status.ToString().ToLowerInvariant()} upstream: {controller.StatusNote}");
        }

        var install = controller.Install;
        if (install.Helm is { } chart)
        {
            await helm.UpgradeInstallAsync(chart, new Dictionary<string, string>(), _options.Kubeconfig, cluster.Context, _options.ReadyTimeout, cancellationToken);
        }
        else if (install.Image is { } image)
        {
            await ApplyImageFilesAsync(client, clusterName, controller, image, what, cancellationToken);
        }
        else
        {
            await InstallSteps.ApplyManifestsAsync(client, downloader, install.Manifests, _options.AllowUnverified, clusterName, what, cancellationToken);
        }

        await WaitReadyAsync(client, clusterName, controller, what, cancellationToken);
        return new IngressInstallResult(controller, InstalledNow: true);
    }

    /// <summary>The image an image install uses: the configured one for this controller, else the entry's default.</summary>
    public string ImageFor(IngressControllerSpec controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return _options.Images.TryGetValue(controller.Name, out var configured) && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : controller.Install.Image?.Default ?? throw new InvalidOperationException($"ingress controller {controller.Name} is not installed from an image");
    }

    /// <summary>
    /// Reads every shipped file and substitutes the image before applying anything, so a missing file or a bad image
    /// name leaves the cluster untouched; then server-side applies them in the entry's order (RBAC before the Deployment).
    /// </summary>
    private async Task ApplyImageFilesAsync(
        IKubernetes client, string clusterName, IngressControllerSpec controller, ControllerImageSpec image, string what, CancellationToken cancellationToken)
    {
        var name = ImageFor(controller);
        if (!ImageNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"image '{name}' for {what} is not an image reference (registry/name:tag or @sha256:digest, no spaces or quotes)");
        }

        _options.Progress?.Report(
            $"{clusterName}: {what} runs image {name}, which CniBench does not publish: build it from {image.Dockerfile} and push it, or `kind load docker-image {name}`");
        var texts = new List<(string File, string Yaml)>();
        foreach (var file in controller.Install.Files)
        {
            texts.Add((file, (await File.ReadAllTextAsync(file, cancellationToken)).Replace(ImagePlaceholder, name, StringComparison.Ordinal)));
        }

        foreach (var (file, yaml) in texts)
        {
            await InstallSteps.ApplyObjectsAsync(client, yaml, file, clusterName, what, cancellationToken);
        }
    }

    private Task WaitReadyAsync(IKubernetes client, string clusterName, IngressControllerSpec controller, string what, CancellationToken cancellationToken) =>
        InstallSteps.WaitReadyAsync(client, clusterName, controller.Readiness, what, _options.ReadyTimeout, _options.PollInterval, _options.TimeProvider, cancellationToken);

    /// <summary>
    /// Class names clash between controllers (nginx: ingress-nginx and NGINX Inc; haproxy: jcmoraisjr and haproxytech):
    /// an IngressClass of our name whose controller differs would send the run's Ingress to the wrong controller.
    /// </summary>
    private static async Task CheckIngressClassAsync(IKubernetes client, string clusterName, IngressControllerSpec controller, CancellationToken cancellationToken)
    {
        var wanted = controller.IngressClass;
        if (wanted.Controller is null)
        {
            return;
        }

        try
        {
            var existing = await client.NetworkingV1.ReadIngressClassAsync(wanted.Name, cancellationToken: cancellationToken);
            var actual = existing.Spec?.Controller;
            if (!string.Equals(actual, wanted.Controller, StringComparison.Ordinal))
            {
                throw new ClusterUnsupportedException(
                    $"cluster '{clusterName}' has IngressClass '{wanted.Name}' for controller '{actual}', but {controller.Name} uses that name with controller " +
                    $"'{wanted.Controller}': the run's Ingress would go to the other controller. Remove that IngressClass or use another cluster");
            }
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // No class of that name yet: the install creates it.
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, clusterName, $"reading IngressClass {wanted.Name}"), ex);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$")]
    private static partial Regex ImageNamePattern();
}
