using CniBench.NetworkPolicy.Policies;

namespace CniBench.NetworkPolicy.Tests;

public sealed class PolicyLoaderTests
{
    [Fact]
    public void LoadPath_FileWithManyViolations_ReportsEveryErrorWithFileLineAndFieldAndNoPolicy()
    {
        var file = RepoPaths.TestAsset("invalid", "many-errors.yaml");

        var result = PolicyLoader.LoadPath(file);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Policies);
        Assert.All(result.Errors, e => Assert.Equal(file, e.File));
        var byField = result.Errors.ToDictionary(e => e.Field, e => e);
        Assert.Contains("not a valid selector operator", byField["spec.podSelector.matchExpressions[0].operator"].Message, StringComparison.Ordinal);
        Assert.Equal(9, byField["spec.podSelector.matchExpressions[0].operator"].Line);
        Assert.Contains("Sideways", byField["spec.policyTypes[1]"].Message, StringComparison.Ordinal);
        Assert.Contains("must specify one of", byField["spec.ingress[0].from[0]"].Message, StringComparison.Ordinal);
        Assert.Equal(13, byField["spec.ingress[0].from[0]"].Line);
        Assert.Contains("may not be combined", byField["spec.ingress[0].from[1]"].Message, StringComparison.Ordinal);
        Assert.Contains("strict subset", byField["spec.ingress[0].from[1].ipBlock.except[0]"].Message, StringComparison.Ordinal);
        Assert.Contains("without port", byField["spec.ingress[0].ports[0].endPort"].Message, StringComparison.Ordinal);
        Assert.Equal(17, byField["spec.ingress[0].ports[0].endPort"].Line);
        Assert.Contains("out of range", byField["spec.ingress[0].ports[1].port"].Message, StringComparison.Ordinal);
        Assert.Contains("named port", byField["spec.ingress[0].ports[2].endPort"].Message, StringComparison.Ordinal);
        Assert.Contains("ICMP", byField["spec.ingress[0].ports[3].protocol"].Message, StringComparison.Ordinal);
        Assert.Contains("non-empty", byField["spec.egress[0].to[0].namespaceSelector.matchExpressions[0].values"].Message, StringComparison.Ordinal);
        Assert.Contains("greater than or equal", byField["spec.egress[0].ports[0].endPort"].Message, StringComparison.Ordinal);
        Assert.Equal(11, result.Errors.Count);
    }

    [Fact]
    public void LoadPath_NotANetworkPolicy_NamesKindAndWhatWasFound()
    {
        var result = PolicyLoader.LoadPath(RepoPaths.TestAsset("invalid", "not-a-policy.yaml"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("kind", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Contains("kind Pod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPath_NotYaml_ReportsTheParserPosition()
    {
        var file = RepoPaths.TestAsset("invalid", "not-yaml.yaml");

        var error = Assert.Single(PolicyLoader.LoadPath(file).Errors);

        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.StartsWith(file + ":", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPath_UnknownField_IsAnErrorNamingTheField()
    {
        var error = Assert.Single(PolicyLoader.LoadPath(RepoPaths.TestAsset("invalid", "unknown-field.yaml")).Errors);

        Assert.Equal(5, error.Line);
        Assert.Equal("spec.podSelectr", error.Field);
        Assert.Contains("podSelectr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPath_FolderWithOneBadFile_AppliesNoPolicyFromAnyFile()
    {
        var folder = Directory.CreateTempSubdirectory("cnb-netpol-");
        try
        {
            File.Copy(RepoPaths.TestAsset("deny-all-ingress-x", "policy.yaml"), Path.Combine(folder.FullName, "a.yaml"));
            File.Copy(RepoPaths.TestAsset("invalid", "unknown-field.yaml"), Path.Combine(folder.FullName, "b.yml"));
            File.WriteAllText(Path.Combine(folder.FullName, "notes.txt"), "not a policy, not read");

            var result = PolicyLoader.LoadPath(folder.FullName);

            Assert.Empty(result.Policies);
            Assert.Equal(Path.Combine(folder.FullName, "b.yml"), Assert.Single(result.Errors).File);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadText_SeveralDocumentsAndEmptyOnes_LoadsEveryPolicyWithItsLine()
    {
        const string Yaml = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: one, namespace: x}
            spec: {podSelector: {}}
            ---
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: two, namespace: y}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: 80, endPort: 81, protocol: UDP}]
            """;

        var result = PolicyLoader.LoadText(Yaml, "multi.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["x/one", "y/two"], result.Policies.Select(p => p.Id));
        Assert.Equal([2, 8], result.Policies.Select(p => p.Line));
        Assert.Equal(81, result.Policies[1].Policy.Spec.Ingress[0].Ports[0].EndPort);
    }

    [Fact]
    public void LoadText_SamePolicyTwice_IsADuplicateError()
    {
        const string Doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: one, namespace: x}\nspec: {podSelector: {}}\n";

        var result = PolicyLoader.LoadText(Doc + "---\n" + Doc, "dup.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("metadata.name", error.Field);
        Assert.Contains("already defined at dup.yaml:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_MissingNamespace_IsAnError()
    {
        var result = PolicyLoader.LoadText("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: one}\nspec: {podSelector: {}}\n", "ns.yaml");

        Assert.Equal("metadata.namespace", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void LoadPath_Missing_IsAnErrorNamingThePath()
    {
        var error = Assert.Single(PolicyLoader.LoadPath("/nonexistent/cnb-policies").Errors);

        Assert.Equal("/nonexistent/cnb-policies", error.File);
    }

    [Theory]
    [InlineData("serve-80-tcp", true)]
    [InlineData("http", true)]
    [InlineData("80a", true)]
    [InlineData("8080", false)]
    [InlineData("Http", false)]
    [InlineData("a--b", false)]
    [InlineData("-ab", false)]
    [InlineData("this-name-is-too-long", false)]
    public void IsPortName_IanaServiceNameRules_AcceptOnlyValidNames(string name, bool valid)
    {
        Assert.Equal(valid, PolicyValidator.IsPortName(name));
    }
}
