using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Tcp;
using CniBench.Workloads.Udp;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, InMemoryScenarioFiles.None);

    [Fact]
    public void Load_CompleteScenario_ReadsEveryField()
    {
        const string yaml = """
            name: smoke
            description: two CNIs
            cnis: [flannel, calico]
            repetitions: 2
            lab: { nodes: 2, podsPerNode: 2, mtu: 1500 }
            tests:
              - test: tcp
                duration: 3s
                warmup: 1s
                streams: [1, 4]
              - test: udp
                duration: 2
                bitrate: [500M, 1G]
                topologies: cross-node
                repetitions: 1
            """;

        var spec = Loader.Load(yaml, "smoke.yaml");

        Assert.Equal("smoke", spec.Name);
        Assert.Equal(["flannel", "calico"], spec.Cnis);
        Assert.Equal(2, spec.Lab.Nodes);
        Assert.Equal(TimeSpan.FromSeconds(3), spec.Tests[0].Duration);
        Assert.Equal([1, 4], spec.Tests[0].SettingsAs<TcpTestSpec>().Streams);
        Assert.Equal(["same-node", "cross-node"], spec.Tests[0].Topologies);
        Assert.Equal([500_000_000L, 1_000_000_000L], spec.Tests[1].SettingsAs<UdpTestSpec>().BitratesBps);
        Assert.Equal(["cross-node"], spec.Tests[1].Topologies);
        Assert.Equal(1, spec.Tests[1].Repetitions);
    }

    [Fact]
    public void Load_LabNoiseSettings_ReadsPinningAndIdleCheck()
    {
        const string yaml = """
            name: noise
            cnis: [calico]
            lab:
              cpuPinning: shared
              toolNice: -10
              idleCheck: { enabled: true, maxWait: 5s, window: 250ms, busyBelowPercent: 30 }
            tests: [{ test: tcp }]
            """;

        var lab = Loader.Load(yaml, "noise.yaml").Lab;

        Assert.Equal((CpuPinningMode.Shared, -10), (lab.CpuPinning, lab.ToolNice));
        Assert.Equal(new IdleCheckSpec { Enabled = true, MaxWait = TimeSpan.FromSeconds(5), Window = TimeSpan.FromMilliseconds(250), BusyBelowPercent = 30 }, lab.IdleCheck);
    }

    [Fact]
    public void Load_NoLabNoiseSettings_LeavesPlacementAloneAndOnlyRecordsTheIdleCheck()
    {
        var lab = Loader.Load("name: x\ncnis: [calico]\ntests: [{ test: tcp }]\n", "x.yaml").Lab;

        Assert.Equal((CpuPinningMode.Off, 0), (lab.CpuPinning, lab.ToolNice));
        Assert.Equal((true, TimeSpan.Zero, TimeSpan.FromMilliseconds(500), 20.0), (lab.IdleCheck.Enabled, lab.IdleCheck.MaxWait, lab.IdleCheck.Window, lab.IdleCheck.BusyBelowPercent));
    }

    [Fact]
    public void Load_UnknownPinningMode_ReportsTheChoices()
    {
        const string yaml = """
            name: x
            cnis: [calico]
            lab: { cpuPinning: always }
            tests: [{ test: tcp }]
            """;

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "x.yaml")).Errors);

        Assert.Contains("off | separate | shared", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Load_UnknownKey_ReportsLineColumnAndSuggestion()
    {
        const string yaml = """
            name: x
            cnis: [flannel]
            tests:
              - test: tcp
                stream: 4
            """;

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "x.yaml")).Errors);

        Assert.Equal(("x.yaml", 5, 5), (error.File, error.Line, error.Column));
        Assert.Contains("unknown key 'stream'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'streams'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralProblems_ReportsAllOfThemAtOnce()
    {
        const string yaml = """
            name: x
            cnis: [flannel, weavenet-typo]
            repetitions: zero
            lab: { nodes: 1 }
            tests:
              - test: tcp
                duration: fast
              - test: sctp
            """;

        var errors = Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "x.yaml")).Errors;

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Line == 2 && e.Message.Contains("no manifests/cni/weavenet-typo.yaml", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 3 && e.Message.Contains("whole number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 4 && e.Field == "lab.nodes");
        Assert.Contains(errors, e => e.Line == 7 && e.Field == "tcp.duration" && e.Message.StartsWith("expected a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 8 && e.Message.Contains("unknown test 'sctp'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MalformedYaml_ReportsPositionOfSyntaxError()
    {
        const string yaml = "name: x\ncnis: [flannel\ntests: []\n";

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "bad.yaml")).Errors);

        Assert.Equal("bad.yaml", error.File);
        Assert.True(error.Line >= 2, $"line {error.Line}");
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FractionalIperfWarmup_ErrorAtTheKeyNamingTheToolsUnit()
    {
        const string yaml = "name: x\ncnis: [calico]\ntests:\n  - test: tcp\n    duration: 2s\n    warmup: 500ms\n";

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "w.yaml")).Errors);

        Assert.Equal("tcp.warmup must be whole seconds (iperf3's -O has no finer unit)", error.Message);
        Assert.Equal((6, 13), (error.Line, error.Column));
    }

    [Fact]
    public void Load_UdpWithoutBitrate_IsAnError()
    {
        const string yaml = "name: x\ncnis: [calico]\ntests:\n  - test: udp\n";

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "u.yaml")).Errors);

        Assert.Contains("bitrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingRequiredSections_NamesEach()
    {
        var errors = Assert.Throws<ScenarioException>(() => Loader.Load("description: nothing\n", "e.yaml")).Errors;

        Assert.Contains(errors, e => e.Message.StartsWith("missing 'name'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.StartsWith("missing 'cnis'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.StartsWith("missing 'tests'", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadFile_MissingFile_SaysSo()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.LoadFile("/nonexistent/s.yaml")).Errors);

        Assert.Contains("no such scenario file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KubernetesSection_ReadsClustersImagesAndTimeout()
    {
        const string yaml = """
            name: k
            provider: kubernetes
            cnis: [flannel, calico]
            kubernetes:
              kubeconfig: /tmp/kubeconfig
              readyTimeout: 2m
              images: { agnhost: registry.example/agnhost:1 }
              clusters:
                flannel: { context: kind-flannel, disposable: true }
                calico: { provision: "create.sh {cni} {podCidr}", destroy: "destroy.sh {cni}" }
            tests:
              - test: tcp
            """;

        var spec = Loader.Load(yaml, "k.yaml");

        var kubernetes = Assert.IsType<KubernetesSpec>(spec.Kubernetes);
        Assert.Equal("/tmp/kubeconfig", kubernetes.Kubeconfig);
        Assert.Equal(TimeSpan.FromMinutes(2), kubernetes.ReadyTimeout);
        Assert.Equal("registry.example/agnhost:1", kubernetes.Images.Agnhost);
        Assert.Equal(KubernetesImagesSpec.DefaultIperf3, kubernetes.Images.Iperf3);
        Assert.Equal(("kind-flannel", true), (kubernetes.Clusters["flannel"].Context, kubernetes.Clusters["flannel"].Disposable));
        Assert.False(kubernetes.Clusters["calico"].Disposable);
        Assert.Equal("destroy.sh {cni}", kubernetes.Clusters["calico"].Destroy);
    }

    [Fact]
    public void Load_KubernetesProviderWithIncompleteClusters_ReportsEachProblem()
    {
        const string yaml = """
            name: k
            provider: kubernetes
            cnis: [flannel, calico]
            kubernetes:
              clusters:
                flannel: { disposable: true }
                cilium: { context: c }
            tests:
              - test: tcp
            """;

        var errors = Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "k.yaml")).Errors;

        Assert.Contains(errors, e => e.Line == 6 && e.Message.Contains("needs a 'context'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 7 && e.Message.Contains("'cilium', which is not in cnis", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("no entry for CNI 'calico'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_KubernetesProviderWithoutSection_IsAnError()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            Loader.Load("name: k\nprovider: kubernetes\ncnis: [flannel]\ntests:\n  - test: tcp\n", "k.yaml")).Errors);

        Assert.Contains("needs a 'kubernetes:' section", error.Message, StringComparison.Ordinal);
    }
}
