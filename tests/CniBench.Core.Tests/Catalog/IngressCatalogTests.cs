using CniBench.Core.Catalog;

namespace CniBench.Core.Tests.Catalog;

public sealed class IngressCatalogTests
{
    private static string IngressDirectory => Path.Combine(RepoPaths.Root, "manifests", "ingress");

    [Fact]
    public void Load_ShippedCatalog_HasTheSixControllersOfIssue6()
    {
        var catalog = IngressCatalog.Load(IngressDirectory);

        Assert.Equal(["contour", "haproxy-ingress", "ingress-nginx", "kong", "traefik", "yarp"], catalog.Controllers.Select(c => c.Name));
        Assert.All(catalog.Controllers, c => Assert.NotEmpty(c.Sources));
    }

    [Fact]
    public void Load_ShippedCatalog_EveryInstallableEntryIsPinnedAndReachable()
    {
        var installable = IngressCatalog.Load(IngressDirectory).Controllers.Where(c => c.Unavailable is null).ToList();

        Assert.Equal(5, installable.Count);
        foreach (var controller in installable)
        {
            // Pinned: every manifest has a verified hash, every chart a version; both name a tag, never "latest".
            Assert.All(controller.Install.Manifests, m => Assert.Matches("^[0-9a-f]{64}$", m.Sha256));
            Assert.All(controller.Install.Manifests, m => Assert.Contains(controller.Upstream.Version, m.Url.AbsoluteUri, StringComparison.Ordinal));
            Assert.True(controller.Install.Manifests.Count > 0 || controller.Install.Helm is { Version.Length: > 0 }, controller.Name);
            Assert.NotEmpty(controller.Readiness);
            Assert.NotNull(controller.Service);
        }
    }

    [Fact]
    public void Load_ShippedCatalog_StatusAndClassFactsFromResearch()
    {
        var catalog = IngressCatalog.Load(IngressDirectory);

        var nginx = catalog["ingress-nginx"];
        Assert.Equal(ProjectStatus.Retired, nginx.Status);
        Assert.Contains("March 2026", nginx.StatusNote, StringComparison.Ordinal);
        Assert.Equal(("nginx", "k8s.io/ingress-nginx"), (nginx.IngressClass.Name, nginx.IngressClass.Controller));
        Assert.Contains("NGINX Inc", nginx.IngressClass.Note, StringComparison.Ordinal);
        Assert.Contains("Kong Operator", catalog["kong"].StatusNote, StringComparison.Ordinal);
        Assert.Equal(ProjectStatus.Active, catalog["kong"].Status);
        Assert.Contains("haproxytech", catalog["haproxy-ingress"].IngressClass.Note, StringComparison.Ordinal);
        Assert.Equal("false", catalog["traefik"].Install.Helm!.Values["ingressClass.isDefaultClass"]);
        Assert.Equal(("contour", null, false), (catalog["contour"].IngressClass.Name, catalog["contour"].IngressClass.Controller, catalog["contour"].IngressClass.CreatedByInstall));
        Assert.Equal(new IngressServiceRef("projectcontour", "envoy", 80), catalog["contour"].Service);
    }

    [Fact]
    public void Load_ShippedCatalog_YarpSaysWhatIsMissingAndReferencesItsRbac()
    {
        var yarp = IngressCatalog.Load(IngressDirectory)["yarp"];

        Assert.Contains("build and push the image", yarp.Unavailable, StringComparison.Ordinal);
        Assert.Contains("in-cluster watch of Ingress objects is not built yet", yarp.Unavailable, StringComparison.Ordinal);
        Assert.Equal("harness/CniBench.Ingress.Yarp/Dockerfile", yarp.Install.Image!.Dockerfile);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, yarp.Install.Image.Dockerfile)));
        Assert.Equal(Path.Combine(IngressDirectory, "yarp-rbac.yaml"), Assert.Single(yarp.Install.Files));
    }

    [Fact]
    public void Parse_ManyProblems_ReportsEveryOneWithLineAndColumn()
    {
        var yaml = """
            name: demo
            displayName: Demo
            upstream: { version: v1, project: https://example.org/demo }
            status: retired
            install:
              manifests:
                - url: https://example.org/releases/latest/download/demo.yaml
                  sha256: ABC
            readiness:
              - { kind: StatefulSet, namespace: demo, name: demo }
            ingressClass: { name: Demo_Class, createdByInstall: true }
            service: { namespace: demo, name: demo, port: 70000 }
            colour: blue
            """;

        var ex = Assert.Throws<CatalogException>(() => IngressCatalog.Parse(yaml, "/x/demo.yaml"));

        var messages = ex.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.StartsWith("/x/demo.yaml:1:1: ", StringComparison.Ordinal) && m.Contains("statusNote is required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("/x/demo.yaml:7:7: ", StringComparison.Ordinal) && m.Contains("is not pinned", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("/x/demo.yaml:8:15: ", StringComparison.Ordinal) && m.Contains("64 lower-case hex", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("StatefulSet", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("/x/demo.yaml:11:23: ", StringComparison.Ordinal) && m.Contains("not a DNS label", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("/x/demo.yaml:12:47: ", StringComparison.Ordinal) && m.Contains("65535", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("/x/demo.yaml:13:1: ", StringComparison.Ordinal) && m.Contains("unknown key 'colour'", StringComparison.Ordinal));
        // A manifest list with errors is not also reported as "no install method".
        Assert.DoesNotContain(messages, m => m.Contains("exactly one install method", StringComparison.Ordinal));
        Assert.StartsWith($"{ex.Errors.Count} error(s) in the ingress catalog:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TwoInstallMethodsAndNoReadiness_ReportsBoth()
    {
        var yaml = """
            name: demo
            displayName: Demo
            upstream: { version: v1, project: https://example.org/demo }
            install:
              manifests: [{ url: "https://example.org/v1/demo.yaml" }]
              helm: { repo: "https://charts.example.org/", chart: demo, version: 1.0.0, release: demo, namespace: demo }
            readiness: []
            ingressClass: { name: demo, createdByInstall: true }
            service: { namespace: demo, name: demo, port: 80 }
            """;

        var ex = Assert.Throws<CatalogException>(() => IngressCatalog.Parse(yaml, "/x/demo.yaml"));

        Assert.Contains(ex.Errors, e => e.Message.Contains("exactly one install method", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Message.Contains("readiness must name at least one", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Message.Contains("set 'controller'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DuplicateClassAndMissingFile_ReportsAllFiles()
    {
        var dir = Directory.CreateTempSubdirectory("cnibench-ingress-catalog-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.yaml"), Entry("a", "shared"));
            File.WriteAllText(Path.Combine(dir, "b.yaml"), Entry("b", "shared"));
            File.WriteAllText(Path.Combine(dir, "c.yaml"), """
                name: c
                displayName: C
                upstream: { version: dev, project: https://example.org/c }
                unavailable: not built
                install:
                  image: { default: "c:dev", dockerfile: Dockerfile }
                  files: [c-rbac.yaml]
                ingressClass: { name: c, createdByInstall: false }
                """);
            File.WriteAllText(Path.Combine(dir, "x-rbac.yaml"), "this file holds objects, not an entry: it is skipped");

            var ex = Assert.Throws<CatalogException>(() => IngressCatalog.Load(dir));

            Assert.Equal(2, ex.Errors.Count);
            Assert.Contains(ex.Errors, e => e.Message == "ingressClass.name 'shared' is used by a and b: class names must be unique in the catalog");
            Assert.Contains(ex.Errors, e => e.File.EndsWith("c.yaml", StringComparison.Ordinal) && e.Line == 7 && e.Message.Contains("'c-rbac.yaml' does not exist", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Entry(string name, string ingressClass) => $$"""
        name: {{name}}
        displayName: {{name}}
        upstream: { version: v1, project: https://example.org/{{name}} }
        install:
          helm: { repo: "https://charts.example.org/", chart: {{name}}, version: 1.0.0, release: {{name}}, namespace: {{name}} }
        readiness: [{ kind: Deployment, namespace: {{name}}, name: {{name}} }]
        ingressClass: { name: {{ingressClass}}, controller: example.org/{{name}}, createdByInstall: true }
        service: { namespace: {{name}}, name: {{name}}, port: 80 }
        """;
}
