using System.Net;
using CniBench.Ingress;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Ingress;

public sealed class IngressModelTests
{
    private static readonly IPEndPoint[] Backends =
        [.. new[] { "198.19.2.11", "198.19.3.11", "198.19.2.12", "198.19.3.12" }.Select(a => new IPEndPoint(IPAddress.Parse(a), 8080))];

    private static IngressInputs Inputs(int web, bool routeChanged = false) =>
        IngressModel.FromTemplate(IngressTemplates.Repository()).Inputs(Backends[..web], Backends[..2], routeChanged);

    [Fact]
    public void Inputs_RepositoryTemplate_HasHostPrefixExactAndDefaultBackend()
    {
        var config = Inputs(2).Config;

        Assert.Contains(config.Routes, r => r.Host == IngressModel.Host && r.Path == "/" && r.Match == PathMatch.Prefix);
        Assert.Contains(config.Routes, r => r.Host == IngressModel.Host && r.Path == "/healthz" && r.Match == PathMatch.Exact);
        Assert.Contains(config.Routes, r => r.Host is null && r.Path == "/" && r.ClusterId == "bench/web:80");
        Assert.Equal("bench/web:80", config.DefaultBackend?.ClusterId);
    }

    [Fact]
    public void Inputs_RouteChanged_SendsTheSlashPathOfEveryRuleToTheOtherService()
    {
        var config = Inputs(3, routeChanged: true).Config;

        Assert.Equal("bench/web-v2:80", Assert.Single(config.Routes, r => r.Host is null).ClusterId);
        Assert.Equal("bench/web-v2:80", Assert.Single(config.Routes, r => r.Host == IngressModel.Host && r.Path == "/").ClusterId);
        Assert.Equal("bench/web:80", Assert.Single(config.Routes, r => r.Path == "/healthz").ClusterId);
        Assert.Equal(3, config.Cluster("bench/web:80").Endpoints.Count);
    }

    [Fact]
    public void Render_EachController_ListsTheLabEndpointsOfTheService()
    {
        var host = new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.11"), new FakeProcessRunner());
        var listen = new IPEndPoint(host.Address, 8080);
        var inputs = Inputs(4);
        var options = new IngressControllerOptions { Workers = 2 };

        var nginx = new NginxIngressController(host, listen, options).Render(inputs);
        var haproxy = new HaproxyIngressController(host, listen, options).Render(inputs);
        var yarp = YarpConfigBuilder.Build(inputs.Config);

        Assert.All(Backends, b => Assert.Contains($"server {b};", nginx, StringComparison.Ordinal));
        Assert.Contains("listen 198.19.1.11:8080 default_server;", nginx, StringComparison.Ordinal);
        Assert.Contains("worker_processes 2;", nginx, StringComparison.Ordinal);
        Assert.All(Backends, b => Assert.Contains($" {b}\n", haproxy, StringComparison.Ordinal));
        Assert.Contains("bind 198.19.1.11:8080", haproxy, StringComparison.Ordinal);
        Assert.Contains("nbthread 2", haproxy, StringComparison.Ordinal);
        Assert.Equal(4, yarp.Clusters.Single(c => c.ClusterId == "bench/web:80").Destinations!.Count);
        Assert.Contains(inputs.Endpoints.Find("bench", "web")!.Ports[0].Endpoints, e => e.Equals(Backends[3]));
    }

    [Fact]
    public void Inputs_TemplateRoutingToAMissingService_ThrowsNamingTheRule()
    {
        var broken = IngressTemplates.Repository().Replace("name: {{serviceName}}\n                port:\n                  name: http\n          - path: /healthz",
            "name: missing\n                port:\n                  name: http\n          - path: /healthz", StringComparison.Ordinal);
        Assert.NotEqual(IngressTemplates.Repository(), broken);

        var error = Assert.Throws<IngressConfigException>(() => IngressModel.FromTemplate(broken).Inputs(Backends[..2], Backends[..2], routeChanged: false));

        Assert.Contains("Service 'bench/missing', which does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("rules[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_ThreeNodesTwoPods_PutsClientAndControllerOnNodeOneAndAlternatesBackendNodes()
    {
        var layout = IngressLayout.Select(new FakeCluster(3, 2, new FakeProcessRunner()))!;

        Assert.Equal(("n1-p2", "n1-p1"), (layout.Client.Name, layout.Controller.Name));
        Assert.Equal(["n2-p1", "n3-p1", "n2-p2", "n3-p2"], layout.Backends.Select(b => b.Name));
    }

    [Fact]
    public void CpuSeconds_ProcStatLines_SumsUserAndSystemTicks()
    {
        const string stat = "4242 (nginx: worker) S 4241 4241 4241 0 -1 4194624 100 0 0 0 150 50 0 0 20 0 1 0 100 0 0\n"
            + "4241 (cnibench ingress) S 1 4241 4241 0 -1 4194560 10 0 0 0 7 3 0 0 20 0 1 0 90 0 0\n";

        Assert.Equal(2.1, ProcStat.CpuSeconds(stat), 6);
    }
}
