using CniBench.Kubernetes.Preflight;

namespace CniBench.Kubernetes.Tests.Preflight;

public sealed class RunPermissionsTests
{
    [Fact]
    public void All_EveryEntry_SaysWhichCodeNeedsIt()
    {
        Assert.All(RunPermissions.All, p => Assert.Matches(@"\(.*[A-Z][A-Za-z.]+.*\)", p.NeededBy));
        Assert.Equal(RunPermissions.All.Count, RunPermissions.All.Select(p => (p.Spelled, p.Scope)).Distinct().Count());
    }

    [Fact]
    public void For_PlainRun_LeavesOutIngressInstallAndSecrets()
    {
        var spelled = RunPermissions.For(new RunNeeds()).Select(p => p.Spelled).ToList();

        Assert.Contains("create pods/exec", spelled);
        Assert.Contains("list endpointslices.discovery.k8s.io", spelled);
        Assert.DoesNotContain("patch networkpolicies.networking.k8s.io", spelled);
        Assert.DoesNotContain("patch ingresses.networking.k8s.io", spelled);
        Assert.DoesNotContain("patch customresourcedefinitions.apiextensions.k8s.io", spelled);
        Assert.DoesNotContain(spelled, s => s.Contains("secrets", StringComparison.Ordinal));
    }

    [Fact]
    public void For_IngressTlsAndVariantSecret_AddsTheirSecrets()
    {
        var needs = new RunNeeds { Ingress = true, IngressTls = true, SecretNamespace = "kube-system", IngressNamespaces = ["traefik"] };

        var permissions = RunPermissions.For(needs);

        Assert.Contains(permissions, p => p is { Spelled: "patch secrets", Scope: PermissionScope.RunNamespace });
        Assert.Contains(permissions, p => p is { Spelled: "create secrets", Scope: PermissionScope.SecretNamespace });
        Assert.Contains(permissions, p => p is { Spelled: "get pods/log", Scope: PermissionScope.IngressNamespaces, Required: false });
    }
}
