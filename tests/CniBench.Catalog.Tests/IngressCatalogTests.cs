using CniBench.Catalog;

namespace CniBench.Catalog.Tests;

public sealed class IngressCatalogTests
{
    private static string IngressDirectory => RepoPaths.IngressManifests;

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

        Assert.Equal(6, installable.Count);
        foreach (var controller in installable)
        {
            // Pinned: every manifest has a verified hash, every chart a version; both name a tag, never "latest".
            // The one image install is ours: its manifests ship in this folder.
            Assert.All(controller.Install.Manifests, m => Assert.Matches("^[0-9a-f]{64}$", m.Sha256));
            Assert.All(controller.Install.Manifests, m => Assert.Contains(controller.Upstream.Version, m.Url.AbsoluteUri, StringComparison.Ordinal));
            Assert.True(controller.Install.Manifests.Count > 0 || controller.Install.Helm is { Version.Length: > 0 } || controller.Install.Image is not null, controller.Name);
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
        Assert.Equal(new IngressServiceRef("projectcontour", "envoy", 80) { TlsPort = 443 }, catalog["contour"].Service);
    }

    [Fact]
    public void Load_ShippedCatalog_YarpInstallsItsShippedManifestsWithTheUsersImage()
    {
        var yarp = IngressCatalog.Load(IngressDirectory)["yarp"];

        Assert.Null(yarp.Unavailable);
        Assert.Equal(new ControllerImageSpec("cnibench-ingress:dev", "harness/CniBench.Ingress.Yarp/Dockerfile"), yarp.Install.Image);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, yarp.Install.Image!.Dockerfile)));
        Assert.Equal([Path.Combine(IngressDirectory, "yarp-rbac.yaml"), Path.Combine(IngressDirectory, "yarp-deploy.yaml")], yarp.Install.Files);
        Assert.Equal(new WorkloadRef(WorkloadKind.Deployment, "cnibench-ingress", "cnibench-ingress"), Assert.Single(yarp.Readiness));
        Assert.Equal(("cnibench-ingress", "cnibench-ingress", 80, (int?)null), (yarp.Service!.Namespace, yarp.Service.Name, yarp.Service.Port, yarp.Service.TlsPort));
        Assert.Contains("PEM files", yarp.Service.TlsUnavailable, StringComparison.Ordinal);
        Assert.Equal(("cnibench", "cnibench.io/ingress-yarp", true), (yarp.IngressClass.Name, yarp.IngressClass.Controller, yarp.IngressClass.CreatedByInstall));
        Assert.Contains(yarp.Warnings, w => w.Contains("kind load docker-image", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ShippedYarpManifests_DeploymentUsesImagePlaceholderAndRbacOnlyReads()
    {
        var deploy = File.ReadAllText(Path.Combine(IngressDirectory, "yarp-deploy.yaml"));
        var rbac = File.ReadAllText(Path.Combine(IngressDirectory, "yarp-rbac.yaml"));

        Assert.Contains("image: \"{{image}}\"", deploy, StringComparison.Ordinal);
        Assert.Contains("serviceAccountName: cnibench-ingress", deploy, StringComparison.Ordinal);
        Assert.Contains("controller: cnibench.io/ingress-yarp", deploy, StringComparison.Ordinal);
        Assert.Contains("readOnlyRootFilesystem: true", deploy, StringComparison.Ordinal);
        // Least privilege: read verbs only, on the three kinds the controller lists.
        var verbs = System.Text.RegularExpressions.Regex.Matches(rbac, @"verbs: \[(.*)\]").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, verbs.Count);
        Assert.All(verbs, v => Assert.Equal("\"get\", \"list\", \"watch\"", v));
        Assert.DoesNotContain("secrets", rbac, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedCatalog_EveryUpstreamServiceHasItsHttpsPortWithASource()
    {
        var upstream = IngressCatalog.Load(IngressDirectory).Controllers.Where(c => c.Install.Image is null).ToList();

        Assert.Equal(5, upstream.Count);
        Assert.All(upstream, c => Assert.Equal((443, (string?)null), (c.Service!.TlsPort, c.Service.TlsUnavailable)));
        Assert.All(upstream, c => Assert.Contains(c.Sources, s => s.Contains("tlsPort 443", StringComparison.Ordinal)));
    }

    [Fact]
    public void Parse_TlsPortWrongOrWithTlsUnavailable_ReportsEachAtItsValue()
    {
        var yaml = Entry("a", "a").Replace("port: 80 }", "port: 80, tlsPort: 80 }", StringComparison.Ordinal);
        var both = Entry("b", "b").Replace("port: 80 }", "port: 80, tlsPort: 443, tlsUnavailable: why }", StringComparison.Ordinal);
        var range = Entry("c", "c").Replace("port: 80 }", "port: 80, tlsPort: 0, tlsPorts: 1 }", StringComparison.Ordinal);

        var same = Assert.Throws<CatalogException>(() => IngressCatalog.Parse(yaml, "/x/a.yaml"));
        var twice = Assert.Throws<CatalogException>(() => IngressCatalog.Parse(both, "/x/b.yaml"));
        var bad = Assert.Throws<CatalogException>(() => IngressCatalog.Parse(range, "/x/c.yaml"));

        Assert.Equal("/x/a.yaml:8:54: tlsPort 80 is the plain HTTP port too: name the Service's HTTPS port", Assert.Single(same.Errors).ToString());
        Assert.Contains("set either tlsPort", Assert.Single(twice.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(2, bad.Errors.Count);
        Assert.Contains(bad.Errors, e => e.Message.Contains("65535", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Message.Contains("unknown key 'tlsPorts'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TlsPort_IsReadNextToThePlainPort()
    {
        var yaml = Entry("a", "a").Replace("port: 80 }", "port: 80, tlsPort: 8443 }", StringComparison.Ordinal);

        var entry = IngressCatalog.Parse(yaml, "/x/a.yaml");

        Assert.Equal(new IngressServiceRef("a", "a", 80) { TlsPort = 8443 }, entry.Service);
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
            File.WriteAllText(Path.Combine(dir, "x-deploy.yaml"), "so does this one");

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
