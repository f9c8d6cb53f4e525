using System.Text;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Ingress;
using CniBench.Kubernetes.Workloads;
using CniBench.Workloads.Http;
using CniBench.Workloads.Ingress;

namespace CniBench.Cli.Commands;

/// <summary>
/// The ingress part of <c>cnibench render</c>: for each catalog controller the scenario's ingress test names on a real
/// cluster, how it is installed and the Services and Ingress every measurement applies.
/// </summary>
internal static class IngressRender
{
    /// <summary>Null when the scenario has no ingress test on provider: kubernetes.</summary>
    public static string? ToYaml(ScenarioSpec scenario, IngressCatalog catalog, string ingressTemplate, string runId)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalog);
        var controllers = scenario.Provider == "kubernetes"
            ? scenario.Tests.Select(t => t.Settings).OfType<IngressTestSpec>().SelectMany(i => i.Controllers).Distinct(StringComparer.Ordinal).ToList()
            : [];
        if (controllers.Count == 0)
        {
            return null;
        }

        var tls = scenario.Tests.Any(t => t.Settings is IngressTestSpec { Tls: true });
        var model = IngressModel.FromTemplate(ingressTemplate);
        var tlsModel = IngressModel.FromTemplate(ingressTemplate, tls: true);
        var request = new IngressDeploymentRequest
        {
            Controller = "",
            IngressYaml = model.IngressYaml(routeChanged: false),
            RouteChangedYaml = model.IngressYaml(routeChanged: true),
            ServiceName = IngressModel.Service,
            OtherServiceName = IngressModel.OtherService,
            PortName = IngressModel.PortName,
            BackendPort = HttpKindOptions.DefaultPort,
            Backends = [],
        };
        var ns = Kubernetes.KubeLabels.RunNamespace(runId);
        var text = new StringBuilder();
        foreach (var name in controllers)
        {
            var controller = catalog[name];
            text.Append("# ingress test, controller ").Append(controller.Name).Append(' ').Append(controller.Upstream.Version).Append(": ")
                .Append(Install(controller)).Append('\n')
                .Append("# each measurement applies these; the Services select the backend pods a run labels, and the churn phase moves every rule's '/' path to ")
                .Append(IngressModel.OtherService).Append('\n')
                .Append(TemplateWorkloadSet.ToYaml(KubernetesIngressDeployment.Objects(request with { Controller = name }, ns, runId, controller)).TrimEnd('\n')).Append('\n');
            if (tls)
            {
                AppendTls(text, request with { Controller = name, IngressYaml = tlsModel.IngressYaml(routeChanged: false) }, ns, runId, controller);
            }
        }

        return text.ToString();
    }

    /// <summary>The -tls variant's Secret (placeholder text, never a key) and Ingress, or why the entry has none.</summary>
    private static void AppendTls(StringBuilder text, IngressDeploymentRequest request, string ns, string runId, IngressControllerSpec controller)
    {
        if (controller.Service is not { TlsPort: { } port })
        {
            text.Append("# ").Append(controller.Name).Append(IngressTestSpec.TlsSuffix).Append(": unsupported, the catalog entry has no service.tlsPort")
                .Append(controller.Service?.TlsUnavailable is { } why ? " (" + why + ")" : "").Append('\n');
            return;
        }

        var objects = KubernetesIngressDeployment.Objects(request with { Tls = new IngressTlsMaterial("", "") }, ns, runId, controller);
        text.Append("# ").Append(controller.Name).Append(IngressTestSpec.TlsSuffix).Append(": the same Services, then this Secret (made per measurement) and the Ingress with its tls section; wrk loads https on port ")
            .Append(port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append(TemplateWorkloadSet.ToYaml([.. objects.Skip(2)]).TrimEnd('\n')).Append('\n');
    }

    private static string Install(IngressControllerSpec controller)
    {
        var install = controller.Install;
        if (install.Helm is { } helm)
        {
            return $"helm chart {helm.Chart} {helm.Version} from {helm.Repo}, release {helm.Release} in namespace {helm.Namespace}";
        }

        if (install.Manifests.Count > 0)
        {
            return "manifests " + string.Join(", ", install.Manifests.Select(m => m.Url));
        }

        return install.Image is { } image
            ? $"image {image.Default} (built by you from {image.Dockerfile}) with {string.Join(", ", install.Files.Select(Path.GetFileName))}"
            : "no install";
    }
}
