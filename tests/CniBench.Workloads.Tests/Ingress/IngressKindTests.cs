using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Ingress;

public sealed class IngressKindTests
{
    private static TestInvocation Invocation(FakeCluster cluster, string variant, RecordingSink sink)
    {
        var spec = new TestSpec { Test = IngressKind.TestName, Duration = TimeSpan.FromSeconds(1), Settings = new IngressTestSpec() };
        var key = new MeasurementKey("calico", IngressKind.TestName, variant, Topologies.Ingress, 1);
        var client = cluster.Nodes[0].Pods[^1];
        return new TestInvocation(new PlannedMeasurement(key, spec, new TestVariant(variant, 32)), client, cluster.Nodes[0].Pods[0], sink, "raw/calico/ingress.json")
        {
            Cluster = cluster,
        };
    }

    [Theory]
    [InlineData("yarp")]
    [InlineData("nginx")]
    [InlineData("haproxy")]
    public async Task RunAsync_IngressRoutesToMissingService_FailsAsConfigurationErrorBeforeAnyProcess(string controller)
    {
        var runner = new FakeProcessRunner();
        var broken = IngressTemplates.Repository().Replace("      port:\n        name: http", "      port:\n        name: grpc", StringComparison.Ordinal);
        var test = new IngressKind(new IngressKindOptions { IngressTemplate = broken, Controllers = new IngressControllerOptions { YarpDll = "/nonexistent/cnibench-ingress.dll" } });

        var outcome = await test.RunAsync(Invocation(new FakeCluster(3, 2, runner), controller, new RecordingSink()), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.StartsWith("ingress configuration error (no load was started)", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("defaultBackend: routes to port grpc of Service 'bench/web'", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(runner.Started);
        Assert.DoesNotContain(runner.Runs, r => r.Arguments.Contains("wrk"));
    }

    [Fact]
    public async Task RunAsync_TwoBackendPodsWithChurn_IsUnsupportedNamingTheShapeNeeded()
    {
        var runner = new FakeProcessRunner();
        var test = new IngressKind(new IngressKindOptions { IngressTemplate = IngressTemplates.Repository() });

        var outcome = await test.RunAsync(Invocation(new FakeCluster(2, 2, runner), "nginx", new RecordingSink()), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Unsupported, outcome.Status);
        Assert.Contains("needs 4 backend pods", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(runner.Started);
    }

    [Fact]
    public async Task RunAsync_YarpNotBuilt_FailsWithTheBuildCommand()
    {
        var runner = new FakeProcessRunner();
        var test = new IngressKind(new IngressKindOptions { IngressTemplate = IngressTemplates.Repository(), Controllers = new IngressControllerOptions { YarpDll = null } });

        var outcome = await test.RunAsync(Invocation(new FakeCluster(3, 2, runner), "yarp", new RecordingSink()), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("dotnet build harness/CniBench.Ingress.Yarp -c Release", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(runner.Started);
    }
}
