using System.Collections.Frozen;
using CniBench.Kubernetes.Workloads;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Tests.Workloads;

public sealed class WorkloadTemplateTests
{
    private static readonly FrozenSet<string> Allowed = new[] { "name", "value" }.ToFrozenSet(StringComparer.Ordinal);

    private const string PodTemplate = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          annotations:
            key: {{value}}
        spec:
          containers:
            - name: c
              command: [{{value}}, {{name}}]
        """;

    [Fact]
    public void Parse_UnknownPlaceholder_ReportsFileLineColumnAndAllowedNames()
    {
        var ex = Assert.Throws<WorkloadTemplateException>(() => WorkloadTemplate.Parse("t.yaml", "a: b\nname: {{nmae}}\n", Allowed));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("t.yaml:2:7: unknown placeholder '{{nmae}}'; this template may use: name, value", error);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var ex = Assert.Throws<WorkloadTemplateException>(() => WorkloadTemplate.Parse("t.yaml", "a: {{x}}\nb: {{y}}\nc: {{ }}\n", Allowed));

        Assert.Equal(3, ex.Errors.Count);
        Assert.StartsWith("t.yaml:1:4: unknown placeholder '{{x}}'", ex.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("t.yaml:2:4: unknown placeholder '{{y}}'", ex.Errors[1], StringComparison.Ordinal);
        Assert.StartsWith("t.yaml:3:4: '{{ }}' is not a placeholder name", ex.Errors[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: cnb-{{name}}")]
    [InlineData("name: {{name}}-x")]
    [InlineData("name: \"{{name}}\"")]
    public void Parse_PlaceholderInsideLongerText_IsRejected(string line)
    {
        var ex = Assert.Throws<WorkloadTemplateException>(() => WorkloadTemplate.Parse("t.yaml", line, Allowed));

        Assert.Contains("must be a whole YAML value", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: {{name")]
    [InlineData("name: name}}")]
    public void Parse_HalfAPlaceholder_IsRejected(string line)
    {
        var ex = Assert.Throws<WorkloadTemplateException>(() => WorkloadTemplate.Parse("t.yaml", line, Allowed));

        Assert.Contains("without its other half", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PlaceholderInComment_IsIgnored()
    {
        var template = WorkloadTemplate.Parse("t.yaml", "# uses {{anything}} here\nname: {{name}} # {{nope}}\n", Allowed);

        Assert.Equal(["name"], template.Placeholders);
        Assert.Equal("# uses {{anything}} here\nname: \"n\" # {{nope}}\n", template.Render(new Dictionary<string, string> { ["name"] = "n" }));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with: colon and # hash")]
    [InlineData("quote \" and back\\slash")]
    [InlineData("line\nbreak\tand tab")]
    [InlineData("- [not, a, list] {x: 1}")]
    [InlineData("{{name}}")]
    [InlineData("null")]
    [InlineData("ünïcødé\u2028")]
    public void Render_AnyValue_ComesBackUnchangedAsAString(string value)
    {
        var template = WorkloadTemplate.Parse("t.yaml", PodTemplate, Allowed);

        var rendered = template.Render(new Dictionary<string, string> { ["name"] = "p", ["value"] = value });
        var pod = Assert.IsType<V1Pod>(Assert.Single(KubernetesYaml.LoadAllFromString(rendered)));

        Assert.Equal("p", pod.Metadata.Name);
        Assert.Equal(value, pod.Metadata.Annotations["key"]);
        Assert.Equal([value, "p"], pod.Spec.Containers[0].Command);
    }

    [Fact]
    public void Render_ValueMissing_NamesThePlaceholder()
    {
        var template = WorkloadTemplate.Parse("t.yaml", PodTemplate, Allowed);

        var ex = Assert.Throws<WorkloadTemplateException>(() => template.Render(new Dictionary<string, string> { ["name"] = "p" }));

        Assert.Equal("t.yaml: no value for {{value}}", ex.Message);
    }

    [Fact]
    public void Quote_ControlCharacters_AreEscaped()
    {
        Assert.Equal("\"a\\u0000b\\u001bc\"", WorkloadTemplate.Quote("a\0b\u001bc"));
    }
}
