using CniBench.Catalog;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Catalog;

namespace CniBench.Kubernetes.Tests.Catalog;

public sealed class HelmToolTests
{
    private static readonly HelmChartSpec Chart = new()
    {
        Repo = new Uri("https://helm.cilium.io/"),
        Chart = "cilium",
        Version = "1.20.0",
        Release = "cilium",
        Namespace = "kube-system",
        Values = new Dictionary<string, string> { ["ipam.mode"] = "kubernetes", ["encryption.enabled"] = "false" },
    };

    [Fact]
    public void UpgradeInstallArguments_ChartVariantAndContext_BuildsArgv()
    {
        var args = HelmTool.UpgradeInstallArguments(
            Chart, new Dictionary<string, string> { ["encryption.enabled"] = "true", ["k8sServiceHost"] = "a,b" }, "/tmp/kc", "kind-cilium");

        Assert.Equal(
            [
                "upgrade", "--install", "cilium", "cilium", "--repo", "https://helm.cilium.io/", "--version", "1.20.0",
                "-n", "kube-system", "--create-namespace", "--kubeconfig", "/tmp/kc", "--kube-context", "kind-cilium",
                "--set", "ipam.mode=kubernetes", "--set", "encryption.enabled=true", "--set", "k8sServiceHost=a\\,b",
            ],
            args);
    }

    [Fact]
    public async Task UpgradeInstallAsync_HelmPresent_RunsHelmWithTimeout()
    {
        var runner = new ScriptedRunner(new ProcessResult(0, "deployed", "", TimeSpan.FromSeconds(1)));

        await new HelmTool(runner, _ => true).UpgradeInstallAsync(Chart, new Dictionary<string, string>(), null, null, TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);

        var spec = Assert.Single(runner.Runs);
        Assert.Equal("helm", spec.Program);
        Assert.Equal(TimeSpan.FromMinutes(3), spec.Timeout);
        Assert.DoesNotContain("--kube-context", spec.Arguments);
    }

    [Fact]
    public async Task UpgradeInstallAsync_HelmMissing_ThrowsToolMissingWithReleasePage()
    {
        var runner = new ScriptedRunner(new ProcessResult(0, "", "", TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<ToolMissingException>(() =>
            new HelmTool(runner, _ => false).UpgradeInstallAsync(Chart, new Dictionary<string, string>(), null, null, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));

        Assert.Contains("install helm from its release page", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get", ex.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Runs);
    }

    [Fact]
    public async Task UpgradeInstallAsync_HelmFails_ReportsChartAndStderr()
    {
        var runner = new ScriptedRunner(new ProcessResult(1, "", "Error: chart not found\n", TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new HelmTool(runner, _ => true).UpgradeInstallAsync(Chart, new Dictionary<string, string>(), null, null, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));

        Assert.Contains("cilium 1.20.0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("chart not found", ex.Message, StringComparison.Ordinal);
    }
}
