namespace CniBench.Ingress.Tests;

public sealed class IngressConfigLoaderTests
{
    [Theory]
    [InlineData("host-paths", "cnibench")]
    [InlineData("default-backend", null)]
    [InlineData("tls", null)]
    [InlineData("wildcard", null)]
    [InlineData("ordering", null)]
    [InlineData("missing-backend", null)]
    public void Load_FixtureCase_MatchesExpectedJson(string name, string? ingressClass)
    {
        string actual;
        try
        {
            actual = Fixtures.ToJson(Fixtures.Load(name, ingressClass));
        }
        catch (IngressConfigException e)
        {
            actual = Fixtures.ToJson(e);
        }

        Fixtures.AssertGolden(name, "expected.json", actual);
    }

    [Fact]
    public void Load_HostsAndPaths_ExactBeforePrefixAndTrailingSlashDropped()
    {
        var config = Fixtures.Load("host-paths", "cnibench");

        var shop = config.Routes.Where(r => r.Host == "shop.example.com").OrderBy(r => r.Order).ToList();
        Assert.Equal(["/healthz", "/api", "/"], shop.Select(r => r.Path));
        Assert.Equal([PathMatch.Exact, PathMatch.Prefix, PathMatch.Prefix], shop.Select(r => r.Match));
        // Port by name and port by number resolve to the same Service port, hence one cluster.
        Assert.Equal("web/api:8080", shop[0].ClusterId);
        Assert.Equal("web/api:8080", shop[1].ClusterId);
        var assets = Assert.Single(config.Routes, r => r.Host == "static.example.com");
        Assert.Equal(PathMatch.Prefix, assets.Match);
    }

    [Fact]
    public void Load_WithoutClassFilter_OtherClassIngressIsAnError()
    {
        var error = Assert.Throws<IngressConfigException>(() => Fixtures.Load("host-paths"));

        var single = Assert.Single(error.Errors);
        Assert.Contains("ingress web/other-class", single.Source, StringComparison.Ordinal);
        Assert.Contains("'web/missing', which does not exist", single.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingServiceAndPort_ReportsEveryErrorWithIngressAndRule()
    {
        var error = Assert.Throws<IngressConfigException>(() => Fixtures.Load("missing-backend"));

        var messages = error.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(7, messages.Count);
        Assert.Contains(messages, m => m.Contains("ingress bench/broken defaultBackend", StringComparison.Ordinal) && m.Contains("'bench/gone', which does not exist", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("rules[0] (host broken.example.com) http.paths[0]", StringComparison.Ordinal) && m.Contains("'bench/nowhere'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("http.paths[1]", StringComparison.Ordinal) && m.Contains("port 9090", StringComparison.Ordinal) && m.Contains("it has: http/80", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("http.paths[2]", StringComparison.Ordinal) && m.Contains("port grpc", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("pathType 'Regex'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("ingress bench/duplicate rules[1] (host bad_host.example.com)", StringComparison.Ordinal) && m.Contains("not a DNS name", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("ingress bench/duplicate rules[0]", StringComparison.Ordinal) && m.Contains("same host, path and pathType as ingress bench/broken", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_WildcardHost_MatchesOneLabelOnly()
    {
        var config = Fixtures.Load("wildcard");

        var wildcard = Assert.Single(config.Routes, r => r.HostKind == HostKind.Wildcard);
        Assert.True(wildcard.MatchesHost("x.tenants.example.com"));
        Assert.False(wildcard.MatchesHost("a.b.tenants.example.com"));
        Assert.False(wildcard.MatchesHost("tenants.example.com"));
        // The exact host comes before the wildcard for the same path.
        Assert.True(config.Routes.Single(r => r.Host == "admin.tenants.example.com").Order < wildcard.Order);
    }

    [Fact]
    public void Load_Tls_HostsLowercasedWithSecret()
    {
        var config = Fixtures.Load("tls");

        var tls = Assert.Single(config.Tls);
        Assert.Equal(["secure.example.com", "www.secure.example.com"], tls.Hosts);
        Assert.Equal("secure-tls", tls.SecretName);
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNamingThePath()
    {
        var error = Assert.Throws<IngressConfigException>(() => IngressConfigLoader.Load(["/nonexistent/cnb-ingress.yaml"], EndpointsSet.Empty));

        Assert.Equal("/nonexistent/cnb-ingress.yaml", Assert.Single(error.Errors).Source);
    }

    [Fact]
    public void Load_DirectoryWithNonKubernetesYaml_IsAnErrorNamingTheFile()
    {
        var error = Assert.Throws<IngressConfigException>(() => IngressConfigLoader.Load([Fixtures.CaseDirectory("tls")], Fixtures.Endpoints("tls")));

        var single = Assert.Single(error.Errors);
        Assert.EndsWith("endpoints.yaml", single.Source, StringComparison.Ordinal);
        Assert.Contains("not a Kubernetes object", single.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointsParse_BadEntries_ReportsAll()
    {
        const string text = """
            services:
              - name: a
                ports:
                  - endpoints: ["198.19.1.1:80"]
                  - port: 80
                    endpoints: ["198.19.1.1", "not-an-address:80"]
              - ports: []
            """;

        var error = Assert.Throws<IngressConfigException>(() => EndpointsLoader.Parse(text, "e.yaml"));

        Assert.Equal(4, error.Errors.Count);
        Assert.All(error.Errors, e => Assert.StartsWith("e.yaml: ", e.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void EndpointsToYaml_RoundTrips()
    {
        var set = Fixtures.Endpoints("host-paths");

        var again = EndpointsLoader.Parse(EndpointsLoader.ToYaml(set), "round-trip");

        Assert.Equal(EndpointsLoader.ToYaml(set), EndpointsLoader.ToYaml(again));
        Assert.Equal(2, again.Services.Count);
    }
}

public sealed class WorkloadManifestTests
{
    [Fact]
    public void IngressTemplate_Rendered_LoadsAgainstMatchingEndpoints()
    {
        var template = File.ReadAllText(Path.Combine(RepoRoot(), "manifests", "workloads", "ingress.yaml"));
        var rendered = template
            .Replace("{{ingressName}}", "\"bench\"", StringComparison.Ordinal)
            .Replace("{{namespace}}", "\"cnb-3fa2\"", StringComparison.Ordinal)
            .Replace("{{runId}}", "\"3fa2\"", StringComparison.Ordinal)
            .Replace("{{ingressClass}}", "\"cnibench\"", StringComparison.Ordinal)
            .Replace("{{ingressHost}}", "\"bench.cnibench.test\"", StringComparison.Ordinal)
            .Replace("{{serviceName}}", "\"http-backend\"", StringComparison.Ordinal);
        Assert.DoesNotContain("{{", rendered, StringComparison.Ordinal);
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "ingress.yaml");
        File.WriteAllText(path, rendered);
        var endpoints = EndpointsLoader.Parse(
            "services: [{name: http-backend, namespace: cnb-3fa2, ports: [{name: http, port: 80, endpoints: [\"198.19.1.10:80\"]}]}]", "inline");

        var config = IngressConfigLoader.Load([path], endpoints, "cnibench");

        Assert.Equal(3, config.Routes.Count);
        Assert.Equal("cnb-3fa2/http-backend:80", Assert.Single(config.Clusters).ClusterId);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CniBench.sln not found above " + AppContext.BaseDirectory);
    }
}
