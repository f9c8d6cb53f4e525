using System.CommandLine;
using CniBench.Cli.Commands;
using k8s;
using k8s.Models;

namespace CniBench.Cli.Tests;

public sealed class RenderCommandTests
{
    private static async Task<(int Code, string Output, string Error)> RenderAsync(params string[] args)
    {
        var root = new RootCommand { RenderCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var parse = root.Parse(["render", .. args]);
        var code = parse.Errors.Count > 0 ? ExitCodes.BadInput : await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static string Repo => RepoPaths.Root();

    [Theory]
    [InlineData("calico")]
    [InlineData("canal")]
    [InlineData("cilium")]
    [InlineData("flannel")]
    [InlineData("kube-router")]
    [InlineData("weavenet")]
    public async Task Render_KubernetesScenarioEachCni_PrintsValidMultiDocumentYaml(string cni)
    {
        var (code, output, error) = await RenderAsync(Path.Combine(Repo, "scenarios", "kubernetes.yaml"), "--cni", cni, "--run-id", "20261126T000000Z-abcd");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        var objects = KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true);
        Assert.Equal(31, objects.Count);
        Assert.Equal("cnibench-abcd", objects.OfType<V1Namespace>().First().Metadata.Name);
    }

    [Fact]
    public async Task Render_CniNotInScenario_ExitsBadInputWithMessage()
    {
        var (code, output, error) = await RenderAsync(Path.Combine(Repo, "scenarios", "default.yaml"), "--cni", "cilium");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", output);
        Assert.Contains("'cilium' is not one of the scenario's cnis", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_MissingScenarioFile_ExitsBadInput()
    {
        var (code, output, error) = await RenderAsync("/nonexistent/cnb.yaml", "--cni", "calico");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", output);
        Assert.Contains("the scenario has", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BadRunId_ExitsBadInput()
    {
        var (code, _, error) = await RenderAsync(Path.Combine(Repo, "scenarios", "default.yaml"), "--cni", "calico", "--run-id", "bad id");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("run id 'bad id'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NoCni_ExitsBadInput()
    {
        var (code, _, _) = await RenderAsync(Path.Combine(Repo, "scenarios", "default.yaml"));

        Assert.Equal(ExitCodes.BadInput, code);
    }
}
