using System.Net;
using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Tests;

public sealed class ModelLoaderTests
{
    [Fact]
    public void LoadText_IssueExample_ReadsLabelsIpAndPortsAndAddsMetadataNameLabel()
    {
        var result = ModelLoader.LoadText("""
            namespaces: {x: {labels: {team: red}}, y: {}}
            pods:
              x/a: {labels: {pod: a}, ip: "198.19.1.11", ports: [{name: serve-80-tcp, port: 80, protocol: TCP}, {name: serve-81-udp, port: 81, protocol: UDP}]}
              y/b: {labels: {pod: b}}
            """, "m.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var model = result.Model!;
        Assert.Equal(["x/a", "y/b"], model.Pods.Select(p => p.Id));
        Assert.Equal("red", model.Namespace("x").Labels["team"]);
        Assert.Equal("x", model.Namespace("x").Labels["kubernetes.io/metadata.name"]);
        Assert.Equal(IPAddress.Parse("198.19.1.11"), model.Pods[0].Ip);
        Assert.Null(model.Pods[1].Ip);
        Assert.Equal([new ProbeKey(80, NetpolProtocol.Tcp), new ProbeKey(81, NetpolProtocol.Udp)], model.Probes);
    }

    [Fact]
    public void LoadText_BadEntries_ReportsEveryErrorWithLineAndField()
    {
        var result = ModelLoader.LoadText("""
            namespaces: {x: {}}
            pods:
              x/a: {ip: "not-an-ip", ports: [{port: 0}, {port: 80, protocol: ICMP}]}
              q/b: {}
              nonsense: {}
            extra: 1
            """, "bad.yaml");

        Assert.Null(result.Model);
        var fields = result.Errors.Select(e => e.Field).ToArray();
        Assert.Equal(
            ["extra", "pods.x/a.ip", "pods.x/a.ports[0].port", "pods.x/a.ports[1].protocol", "pods.q/b", "pods.nonsense"],
            fields);
        Assert.All(result.Errors, e => Assert.Equal("bad.yaml", e.File));
        Assert.Equal(3, result.Errors.Single(e => e.Field == "pods.x/a.ip").Line);
    }

    [Fact]
    public void LoadText_MisspeltKeyInsideAPod_IsAnErrorWithAHint()
    {
        var result = ModelLoader.LoadText("""
            namespaces: {x: {}}
            pods:
              x/a: {lables: {pod: a}, ports: [{port: 80, protocl: UDP}]}
            """, "typo.yaml");

        Assert.Null(result.Model);
        Assert.Equal(["pods.x/a.ports[0].protocl", "pods.x/a.lables"], result.Errors.Select(e => e.Field));
        Assert.Contains("(did you mean 'labels'?)", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_DefaultModel_IsTheUpstreamNinePodModel()
    {
        var model = DefaultModel.Create();

        Assert.Equal(["x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"], model.Pods.Select(p => p.Id));
        Assert.Equal("y", model.Namespace("y").Labels["ns"]);
        Assert.Equal("y", model.Namespace("y").Labels["kubernetes.io/metadata.name"]);
        Assert.Equal("b", model.Pods[4].Labels["pod"]);
        Assert.Equal(
            ["serve-80-sctp", "serve-80-tcp", "serve-80-udp", "serve-81-tcp", "serve-81-udp"],
            model.Pods[0].Ports.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(IPAddress.Parse("198.19.2.3"), model.Pods[4].Ip);
    }
}
