using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Processes;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Tests.Fakes;
using k8s.Models;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>The TLS variants: Ingress tls section, each controller's TLS listener and certificate files, and where they may run.</summary>
public sealed class IngressTlsTests
{
    private static readonly IPEndPoint[] Backends =
        [.. new[] { "198.19.2.11", "198.19.3.11" }.Select(a => new IPEndPoint(IPAddress.Parse(a), 8080))];

    private static IngressInputs Inputs(bool tls) =>
        IngressModel.FromTemplate(IngressTemplates.Repository(), tls).Inputs(Backends, Backends, routeChanged: false);

    private static (FakeWorkloadHost Host, IPEndPoint Listen) Pod(FakeProcessRunner runner)
    {
        var host = new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.11"), runner);
        return (host, new IPEndPoint(host.Address, 8080));
    }

    [Fact]
    public void Inputs_Tls_IngressHasATlsSectionForTheHostAndTheModelBindsIt()
    {
        var plain = Inputs(tls: false);
        var tls = Inputs(tls: true);

        Assert.Empty(plain.Config.Tls);
        var binding = Assert.Single(tls.Config.Tls);
        Assert.Equal([IngressModel.Host], binding.Hosts);
        Assert.Equal(IngressModel.TlsSecret, binding.SecretName);
        Assert.Contains("tls:", tls.IngressYaml, StringComparison.Ordinal);
        Assert.Contains($"secretName: {IngressModel.TlsSecret}", tls.IngressYaml, StringComparison.Ordinal);
        Assert.Equal(plain.Config.Routes.Select(r => r.RouteId), tls.Config.Routes.Select(r => r.RouteId));
    }

    [Fact]
    public void Render_NginxTls_ListensSslOnTheTestPortWithTheCertificateFiles()
    {
        var (host, listen) = Pod(new FakeProcessRunner());
        var nginx = new NginxIngressController(host, listen, new IngressControllerOptions { Workers = 1 }, tls: true);

        var config = nginx.Render(Inputs(tls: true));

        Assert.Contains("listen 198.19.1.11:8080 ssl default_server;", config, StringComparison.Ordinal);
        Assert.DoesNotContain("listen 198.19.1.11:8080 default_server;", config, StringComparison.Ordinal);
        Assert.Contains($"ssl_certificate {nginx.Directory}/tls.crt;", config, StringComparison.Ordinal);
        Assert.Contains($"ssl_certificate_key {nginx.Directory}/tls.key;", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HaproxyTls_BindsSslWithTheCombinedPem()
    {
        var (host, listen) = Pod(new FakeProcessRunner());
        var haproxy = new HaproxyIngressController(host, listen, new IngressControllerOptions { Workers = 1 }, tls: true);

        var config = haproxy.Render(Inputs(tls: true));

        Assert.Contains($"bind 198.19.1.11:8080 ssl crt {haproxy.Directory}/tls.pem\n", config, StringComparison.Ordinal);
        Assert.DoesNotContain("bind 198.19.1.11:8080\n", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StartAsync_Yarp_RunsWithInlineSocketCompletionsAndNoThreadPoolSpinning(bool tls)
    {
        var runner = new FakeProcessRunner();
        var (host, listen) = Pod(runner);
        await using var yarp = new YarpIngressController(host, listen, new IngressControllerOptions { YarpDll = "/x/cnibench-ingress.dll" }, tls);

        await yarp.StartAsync(Inputs(tls), TestContext.Current.CancellationToken);

        var spec = Assert.Single(runner.Started).Spec;
        Assert.Equal("env", spec.Program);
        Assert.Equal(
            ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1", "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"],
            spec.Arguments.TakeWhile(a => a != "dotnet").Where(a => a.StartsWith("DOTNET_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StartAsync_YarpTls_WritesKeyAsMode0600AndStartsWithTlsListener()
    {
        var runner = new FakeProcessRunner();
        var (host, listen) = Pod(runner);
        await using var yarp = new YarpIngressController(host, listen, new IngressControllerOptions { YarpDll = "/x/cnibench-ingress.dll" }, tls: true);

        await yarp.StartAsync(Inputs(tls: true), TestContext.Current.CancellationToken);

        var args = Assert.Single(runner.Started).Spec.Arguments;
        Assert.Equal(
            ["--tls-listen", "198.19.1.11:8080", "--tls-cert", $"{yarp.Directory}/tls.crt", "--tls-key", $"{yarp.Directory}/tls.key"],
            args.SkipWhile(a => a != "--tls-listen").Take(6));
        Assert.DoesNotContain("--listen", args);
        Assert.Contains(runner.Runs, r => r.Program == "install" && r.Arguments.SequenceEqual(["-m", "0600", "/dev/null", $"{yarp.Directory}/tls.key.new"]));
        var keyWrite = Assert.Single(runner.Runs, r => r.Program == "tee" && r.Arguments[0] == $"{yarp.Directory}/tls.key.new");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", keyWrite.StandardInput, StringComparison.Ordinal);
        Assert.All(runner.Runs.Concat(runner.Started.Select(s => s.Spec)), r => Assert.DoesNotContain("PRIVATE", r.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_HaproxyTls_WritesOnlyTheCombinedPemAsMode0600()
    {
        var runner = new FakeProcessRunner
        {
            // pgrep: the master (-o -f) and then a worker (-P), so readiness is seen at once.
            OnRun = (spec, _) => Task.FromResult(new ProcessResult(0, spec.Program == "pgrep" ? (spec.Arguments[0] == "-o" ? "100\n" : "101\n") : "", "", TimeSpan.Zero)),
        };
        var (host, listen) = Pod(runner);
        await using var haproxy = new HaproxyIngressController(host, listen, new IngressControllerOptions(), tls: true);

        await haproxy.StartAsync(Inputs(tls: true), TestContext.Current.CancellationToken);

        Assert.Contains(runner.Runs, r => r.Program == "install" && r.Arguments[^1] == $"{haproxy.Directory}/tls.pem.new");
        var pem = Assert.Single(runner.Runs, r => r.Program == "tee" && r.Arguments[0] == $"{haproxy.Directory}/tls.pem.new").StandardInput!;
        Assert.Contains("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Runs, r => r.Program == "tee" && r.Arguments[0].EndsWith("tls.key.new", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Render_NginxAndHaproxyTlsWithARealCertificate_PassTheirOwnConfigurationCheck()
    {
        string[] tools = ["nginx", "haproxy"];
        if (tools.Where(t => !ToolPackages.IsOnPath(t)).ToList() is { Count: > 0 } missing)
        {
            Assert.Skip($"needs {string.Join(", ", missing)} (run ./run.sh, which installs them)");
        }

        var token = TestContext.Current.CancellationToken;
        var local = new LocalHost(LocalProcessRunner.Instance);
        var listen = new IPEndPoint(IPAddress.Loopback, 8080);
        var options = new IngressControllerOptions { Workers = 1 };
        var certificate = IngressCertificate.Create(IngressModel.Host, listen.Address, TimeProvider.System);
        var nginx = new NginxIngressController(local, listen, options, tls: true);
        var haproxy = new HaproxyIngressController(local, listen, options, tls: true);
        try
        {
            Directory.CreateDirectory(nginx.Directory);
            Directory.CreateDirectory(haproxy.Directory);
            await File.WriteAllTextAsync(nginx.CertificatePath, certificate.CertificatePem, token);
            await File.WriteAllTextAsync(nginx.KeyPath, certificate.PrivateKeyPem, token);
            await File.WriteAllTextAsync(haproxy.PemPath, certificate.CombinedPem, token);
            await File.WriteAllTextAsync($"{nginx.Directory}/nginx.conf", nginx.Render(Inputs(tls: true)), token);
            await File.WriteAllTextAsync($"{haproxy.Directory}/haproxy.cfg", haproxy.Render(Inputs(tls: true)), token);

            var nginxCheck = await LocalProcessRunner.Instance.RunAsync(
                new ProcessSpec("nginx", ["-t", "-e", $"{nginx.Directory}/error.log", "-p", nginx.Directory + "/", "-c", $"{nginx.Directory}/nginx.conf"]) { Timeout = TimeSpan.FromSeconds(20) }, token);
            var haproxyCheck = await LocalProcessRunner.Instance.RunAsync(
                new ProcessSpec("haproxy", ["-c", "-f", $"{haproxy.Directory}/haproxy.cfg"]) { Timeout = TimeSpan.FromSeconds(20) }, token);

            Assert.True(nginxCheck.Succeeded, nginxCheck.StandardError);
            Assert.True(haproxyCheck.Succeeded, haproxyCheck.StandardError + haproxyCheck.StandardOutput);
        }
        finally
        {
            Directory.Delete(nginx.Directory, recursive: true);
            Directory.Delete(haproxy.Directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("nginx-tls", "nginx", true)]
    [InlineData("yarp-tls", "yarp", true)]
    [InlineData("haproxy", "haproxy", false)]
    [InlineData("-tls", "-tls", false)]
    public void ParseVariant_Name_SplitsControllerAndTls(string variant, string controller, bool tls) =>
        Assert.Equal((controller, tls), IngressTestSpec.ParseVariant(variant));

    /// <summary>This machine as a "pod", for the configuration checks that read real files.</summary>
    private sealed record LocalHost(IProcessRunner Runner) : IWorkloadHost
    {
        public string Name => "local";

        public string NodeName => "local";

        public IPAddress Address => IPAddress.Loopback;

        public int Mtu => 1500;
    }
}
