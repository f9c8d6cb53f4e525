using System.Net;
using CniBench.Core.Clusters;
using CniBench.Ingress;
using k8s;
using k8s.Models;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// Who plays which part in an ingress measurement: the client and the controller are the ingress node's two pods
/// (node 1), the backends are the pods of the other nodes, taken node by node so consecutive backends sit on different nodes.
/// </summary>
public sealed record IngressLayout(IWorkloadHost Client, IWorkloadHost Controller, IReadOnlyList<IWorkloadHost> Backends)
{
    public static IngressLayout? Select(ICluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var nodes = cluster.Nodes;
        if (nodes.Count < 2 || nodes[0].Pods.Count < 2)
        {
            return null;
        }

        var others = nodes.Skip(1).ToList();
        var depth = others.Max(n => n.Pods.Count);
        var backends = Enumerable.Range(0, depth)
            .SelectMany(j => others.Where(n => n.Pods.Count > j).Select(n => n.Pods[j]))
            .ToList();
        return new IngressLayout(nodes[0].Pods[1], nodes[0].Pods[0], backends);
    }
}

/// <summary>
/// The Ingress object every controller consumes, rendered from manifests/workloads/ingress.yaml, and the endpoints
/// behind its Services: <c>web</c> (the backends in play) and <c>web-v2</c> (where the route change sends the path).
/// </summary>
public sealed class IngressModel
{
    public const string Namespace = "bench";
    public const string Service = "web";
    public const string OtherService = "web-v2";
    public const string Host = "bench.cnibench.test";
    public const string IngressClass = "cnibench";

    /// <summary>The Service port the Ingress names (by name) and its number.</summary>
    public const string PortName = "http";
    public const int ServicePort = 80;

    /// <summary>The Secret a TLS Ingress names; the lab controllers get the PEM files instead, Kubernetes-style.</summary>
    public const string TlsSecret = "cnb-ingress-tls";

    private readonly string _template;

    private IngressModel(string template, bool tls)
    {
        _template = template;
        Tls = tls;
    }

    /// <summary>The Ingress has a <c>tls:</c> section for <see cref="Host"/>: the controller terminates TLS for it.</summary>
    public bool Tls { get; }

    /// <summary>The template with its placeholders; throws <see cref="IngressConfigException"/> when it holds no Ingress.</summary>
    /// <param name="tls">Add a <c>tls:</c> section for <see cref="Host"/> to the rendered Ingress.</param>
    public static IngressModel FromTemplate(string template, bool tls = false)
    {
        ArgumentNullException.ThrowIfNull(template);
        var model = new IngressModel(template, tls);
        _ = model.Ingress(routeChanged: false);
        return model;
    }

    /// <summary>
    /// The inputs for one moment of the measurement; validated, so a route to a missing Service or port throws
    /// <see cref="IngressConfigException"/> naming the Ingress and rule.
    /// </summary>
    /// <param name="routeChanged">Send every rule's "/" path to <see cref="OtherService"/> instead of <see cref="Service"/>.</param>
    public IngressInputs Inputs(IReadOnlyList<IPEndPoint> web, IReadOnlyList<IPEndPoint> webV2, bool routeChanged)
    {
        var ingress = Ingress(routeChanged);
        var endpoints = new EndpointsSet(
        [
            new ServiceEndpoints(Namespace, Service, [new ServicePortEndpoints(PortName, ServicePort, web)]),
            new ServiceEndpoints(Namespace, OtherService, [new ServicePortEndpoints(PortName, ServicePort, webV2)]),
        ]);
        var config = IngressConfigLoader.Build([ingress], endpoints, IngressClass);
        return new IngressInputs(KubernetesYaml.Serialize(ingress), endpoints, config);
    }

    /// <summary>The rendered Ingress alone, as YAML (what <c>cnibench render</c> shows for a real cluster).</summary>
    public string IngressYaml(bool routeChanged) => KubernetesYaml.Serialize(Ingress(routeChanged));

    private V1Ingress Ingress(bool routeChanged)
    {
        var rendered = _template
            .Replace("{{ingressName}}", "cnb-ingress", StringComparison.Ordinal)
            .Replace("{{namespace}}", Namespace, StringComparison.Ordinal)
            .Replace("{{runId}}", "lab", StringComparison.Ordinal)
            .Replace("{{ingressClass}}", IngressClass, StringComparison.Ordinal)
            .Replace("{{ingressHost}}", Host, StringComparison.Ordinal)
            .Replace("{{serviceName}}", Service, StringComparison.Ordinal);
        List<V1Ingress> ingresses;
        try
        {
            ingresses = [.. KubernetesYaml.LoadAllFromString(rendered, typeMap: null, strict: true).OfType<V1Ingress>()];
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            throw new IngressConfigException([new IngressConfigError("ingress template", ex.Message)]);
        }

        if (ingresses.Count != 1)
        {
            throw new IngressConfigException([new IngressConfigError("ingress template", $"holds {ingresses.Count} Ingress objects; the ingress test needs exactly one")]);
        }

        var ingress = ingresses[0];
        if (Tls && ingress.Spec is { } spec)
        {
            spec.Tls = [.. spec.Tls ?? [], new V1IngressTLS { Hosts = [Host], SecretName = TlsSecret }];
        }

        if (routeChanged)
        {
            // Every rule's "/" moves, so the change shows whether a client sends the host (TLS with SNI) or not.
            var rules = ingress.Spec?.Rules ?? [];
            if (!rules.Where(r => string.IsNullOrEmpty(r.Host)).SelectMany(r => r.Http?.Paths ?? []).Any(p => p.Path == "/"))
            {
                throw new IngressConfigException([new IngressConfigError("ingress template", "has no host-less rule with path \"/\" for the route change to move")]);
            }

            foreach (var service in rules.SelectMany(r => r.Http?.Paths ?? []).Where(p => p.Path == "/").Select(p => p.Backend?.Service))
            {
                service?.Name = OtherService;
            }
        }

        return ingress;
    }
}
