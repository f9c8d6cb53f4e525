using CniBench.TestSupport.Kubernetes;

namespace CniBench.Cli.Tests;

/// <summary><c>cnibench doctor --context</c> and <c>doctor scenario.yaml</c> against the loopback fake API server.</summary>
public sealed class DoctorClusterTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private FakeKubeApiServer _server = null!;
    private string _kubeconfig = "";

    public async ValueTask InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _server.AddNode("node-1");
        _server.AddNode("node-2");
        _server.AddDaemonSet("kube-flannel", "kube-flannel-ds");
        _kubeconfig = _server.WriteKubeconfig(_folder.Path, "fake");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Doctor_HealthyContext_PrintsEachCheckAndExitsZero()
    {
        var result = await CliInvocation.InvokeAsync("doctor", "--context", "fake", "--kubeconfig", _kubeconfig, "--cni", "flannel");

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = OutputText.Flat(result.Output);
        Assert.Contains("fake (http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("api │ http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Matches(@"permission │ create pods/exec in cnibench-[0-9a-f]+ │ allowed │", output);
        Assert.Contains("node │ node-1 │ ok │ Ready, carries workloads", output, StringComparison.Ordinal);
        Assert.Contains("cni │ flannel │ ok │ runs flannel, as expected", output, StringComparison.Ordinal);
        Assert.Contains("metrics-server │ v1beta1.metrics.k8s.io │ info │ absent; optional", output, StringComparison.Ordinal);
        Assert.Contains("image │ docker.io/nicolaka/netshoot:v0.16 │ ok │ pulled on node-1", output, StringComparison.Ordinal);
        Assert.Contains("ready for a run", output, StringComparison.Ordinal);
        Assert.Empty(_server.NamespaceNames());
    }

    [Fact]
    public async Task Doctor_DeniedPermission_ListsWhatToFixAndExitsFour()
    {
        _server.Deny("list", "endpointslices");

        var result = await CliInvocation.InvokeAsync("doctor", "--context", "fake", "--kubeconfig", _kubeconfig, "--no-pull");

        Assert.Equal(4, result.ExitCode);
        var output = OutputText.Flat(result.Output);
        Assert.Matches(@"permission │ list endpointslices\.discovery\.k8s\.io in cnibench-[0-9a-f]+ │ denied │ denied \(no RBAC policy matched\)", output);
        Assert.Contains("1 problem to fix, then run cnibench doctor again:", output, StringComparison.Ordinal);
        Assert.Matches(@"- fake: permission list endpointslices\.discovery\.k8s\.io in cnibench-[0-9a-f]+: grant 'list endpointslices\.discovery\.k8s\.io' cluster-wide", output);
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("POST /api/v1/namespaces", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_UnknownContext_SaysWhichContextsExistAndExitsFour()
    {
        var result = await CliInvocation.InvokeAsync("doctor", "--context", "prod", "--kubeconfig", _kubeconfig);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("kubeconfig has no context 'prod'; contexts that exist: fake", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_Scenario_ChecksEachExistingClusterAndSkipsProvisionedOnes()
    {
        var scenario = _folder.WriteFile("k8s.yaml", $"""
            name: doctor
            provider: kubernetes
            cnis: [flannel, calico]
            underlay: false
            repetitions: 1
            kubernetes:
              kubeconfig: {_kubeconfig}
              clusters:
                flannel:
                  context: fake
                calico:
                  context: kind-cnibench-calico
                  disposable: true
                  provision: scripts/provision/kind/create.sh {"{cni}"} {"{podCidr}"}
                  destroy: scripts/provision/kind/destroy.sh {"{cni}"}
            tests:
              - test: tcp
                duration: 2s
                topologies: [cross-node]
            """);

        var result = await CliInvocation.InvokeAsync("doctor", scenario, "--no-pull");

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = OutputText.Flat(result.Output);
        Assert.Contains("calico: not checked: the run creates this cluster with its provision command", output, StringComparison.Ordinal);
        Assert.Contains("fake (http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("expecting flannel", output, StringComparison.Ordinal);
        Assert.DoesNotContain("networkpolicies", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ScenarioWithCniAndContext_ChecksTheClusterARunWithThemWouldUse()
    {
        var scenario = _folder.WriteFile("two.yaml", $"""
            name: doctor
            provider: kubernetes
            cnis: [flannel, calico]
            underlay: false
            repetitions: 1
            kubernetes:
              clusters:
                flannel:
                  context: prod-flannel
                calico:
                  context: prod-calico
            tests:
              - test: tcp
                duration: 2s
                topologies: [cross-node]
            """);

        var result = await CliInvocation.InvokeAsync("doctor", scenario, "--cni", "flannel", "--context", "fake", "--kubeconfig", _kubeconfig, "--no-pull");

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = OutputText.Flat(result.Output);
        Assert.Contains("fake (http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("prod-", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_LabScenario_IsBadInput()
    {
        var scenario = _folder.WriteFile("lab.yaml", Scenarios.Tcp("lab", ["flannel"], 1, 1));

        var result = await CliInvocation.InvokeAsync("doctor", scenario);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("runs on the lab (provider: lab)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ClusterOptionWithoutContext_IsBadInput()
    {
        var result = await CliInvocation.InvokeAsync("doctor", "--cni", "flannel");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("add --context <ctx> or a Kubernetes scenario", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithoutContextOrScenario_StillChecksThisHost()
    {
        var result = await CliInvocation.InvokeAsync("doctor");

        Assert.True(result.ExitCode is 0 or 4, result.ToString());
        var output = OutputText.Flat(result.Output);
        Assert.Contains("tool:iperf3", output, StringComparison.Ordinal);
        Assert.DoesNotContain("permission", output, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task DoctorHelp_SaysThePullProbeIsTheOnlyWrite()
    {
        var result = await CliInvocation.InvokeAsync("doctor", "--help");

        var help = OutputText.Flat(result.Output);
        Assert.Contains("Everything is read, except the image pull probe", help, StringComparison.Ordinal);
        Assert.Contains("--no-pull", help, StringComparison.Ordinal);
    }
}
