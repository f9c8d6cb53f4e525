using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Ingress.Tests;

public sealed class GeneratorTests
{
    public static TheoryData<string, string?> Cases => new()
    {
        { "host-paths", "cnibench" },
        { "default-backend", null },
        { "tls", null },
        { "wildcard", null },
        { "ordering", null },
    };

    private static readonly IPEndPoint GoldenListen = IPEndPoint.Parse("198.18.0.10:80");
    private static readonly IPEndPoint GoldenTlsListen = IPEndPoint.Parse("198.18.0.10:443");
    private const string GoldenRun = "/run/cnibench/ingress";

    [Theory]
    [MemberData(nameof(Cases))]
    public void NginxWrite_FixtureCase_MatchesGolden(string name, string? ingressClass)
    {
        var config = Fixtures.Load(name, ingressClass);

        var text = NginxConfigWriter.Write(config, NginxOptionsFor(config, GoldenRun, GoldenListen, GoldenTlsListen, workerProcesses: 2));

        Fixtures.AssertGolden(name, "nginx.conf", text);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HaproxyWrite_FixtureCase_MatchesGolden(string name, string? ingressClass)
    {
        var config = Fixtures.Load(name, ingressClass);

        var text = HaproxyConfigWriter.Write(config, HaproxyOptionsFor(config, GoldenRun, GoldenListen, GoldenTlsListen, threads: 2));

        Fixtures.AssertGolden(name, "haproxy.cfg", text);
    }

    [Fact]
    public void NginxWrite_PrefixAndExactOnSamePath_OneExactLocation()
    {
        var config = Fixtures.Load("ordering");

        var text = NginxConfigWriter.Write(config, NginxOptionsFor(config, GoldenRun, GoldenListen, GoldenTlsListen, workerProcesses: 1));

        // app.example.com has Exact /api (service exact) and Prefix /api (service specific): "= /api" goes to exact only.
        var server = text[text.IndexOf("server_name app.example.com;", StringComparison.Ordinal)..];
        server = server[..server.IndexOf("\n    }", StringComparison.Ordinal)];
        Assert.Single(server.Split('\n'), l => l.Contains("location = /api {", StringComparison.Ordinal));
        Assert.Contains("location = /api { proxy_pass http://u0_default_exact_80; }", server, StringComparison.Ordinal);
        Assert.Contains("location ^~ /api/ { proxy_pass http://u2_default_specific_80; }", server, StringComparison.Ordinal);
    }

    [Fact]
    public void HaproxyWrite_BadReuseMode_Throws()
    {
        var config = Fixtures.Load("wildcard");

        Assert.Throws<ArgumentException>(() => HaproxyConfigWriter.Write(config, new HaproxyOptions { RunDirectory = "/tmp", Listen = [GoldenListen], HttpReuse = "sometimes" }));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task NginxCheck_GeneratedConfig_AcceptedByNginx(string name, string? ingressClass)
    {
        var nginx = ToolPackages.Which("nginx") ?? SkipMissing("nginx");
        using var run = new TempDirectory();
        var config = Fixtures.Load(name, ingressClass);
        var path = Path.Combine(run.Path, "nginx.conf");
        await File.WriteAllTextAsync(path, NginxConfigWriter.Write(config, NginxOptionsFor(config, run.Path, Loopback(18080), Loopback(18443), workerProcesses: 2)), TestContext.Current.CancellationToken);

        var result = await LocalProcessRunner.Instance.RunAsync(
            new ProcessSpec(nginx, ["-t", "-c", path, "-p", run.Path + "/", "-e", Path.Combine(run.Path, "error.log")]) { Timeout = TimeSpan.FromSeconds(20) },
            TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.StandardError);
        Assert.Contains("test is successful", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HaproxyCheck_GeneratedConfig_AcceptedByHaproxy(string name, string? ingressClass)
    {
        var haproxy = ToolPackages.Which("haproxy") ?? SkipMissing("haproxy");
        using var run = new TempDirectory();
        var config = Fixtures.Load(name, ingressClass);
        var path = Path.Combine(run.Path, "haproxy.cfg");
        await File.WriteAllTextAsync(path, HaproxyConfigWriter.Write(config, HaproxyOptionsFor(config, run.Path, Loopback(18080), Loopback(18443), threads: 2)), TestContext.Current.CancellationToken);

        var result = await LocalProcessRunner.Instance.RunAsync(
            new ProcessSpec(haproxy, ["-c", "-f", path]) { Timeout = TimeSpan.FromSeconds(20) },
            TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
        Assert.DoesNotContain("[WARNING]", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    private static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    private static string SkipMissing(string tool)
    {
        ToolPackages.TryGetPackage(tool, out var package);
        Assert.Skip($"{tool} is not installed (Debian package {package})");
        return tool;
    }

    /// <summary>TLS listeners only for cases whose Ingresses have a TLS section; the certificate is written only for real runs.</summary>
    private static NginxOptions NginxOptionsFor(IngressConfigSet config, string run, IPEndPoint listen, IPEndPoint tlsListen, int workerProcesses)
    {
        var tls = config.Tls.Count > 0;
        if (tls && run != GoldenRun)
        {
            TestCertificate.WritePemPair(Path.Combine(run, "tls.crt"), Path.Combine(run, "tls.key"), combinedPath: null);
        }

        return new NginxOptions
        {
            RunDirectory = run,
            Listen = [listen],
            TlsListen = tls ? [tlsListen] : [],
            TlsCertificatePath = tls ? Path.Combine(run, "tls.crt") : null,
            TlsKeyPath = tls ? Path.Combine(run, "tls.key") : null,
            WorkerProcesses = workerProcesses,
        };
    }

    private static HaproxyOptions HaproxyOptionsFor(IngressConfigSet config, string run, IPEndPoint listen, IPEndPoint tlsListen, int threads)
    {
        var tls = config.Tls.Count > 0;
        if (tls && run != GoldenRun)
        {
            TestCertificate.WritePemPair(Path.Combine(run, "tls.crt"), Path.Combine(run, "tls.key"), Path.Combine(run, "tls.pem"));
        }

        return new HaproxyOptions
        {
            RunDirectory = run,
            Listen = [listen],
            TlsListen = tls ? [tlsListen] : [],
            TlsPemPath = tls ? Path.Combine(run, "tls.pem") : null,
            Threads = threads,
        };
    }
}

/// <summary>A throw-away self-signed certificate, as a run would generate one.</summary>
internal static class TestCertificate
{
    public static void WritePemPair(string certificatePath, string keyPath, string? combinedPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=cnibench.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("cnibench.test");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePem = certificate.ExportCertificatePem() + "\n";
        var keyPem = key.ExportPkcs8PrivateKeyPem() + "\n";
        File.WriteAllText(certificatePath, certificatePem);
        File.WriteAllText(keyPath, keyPem);
        if (combinedPath is not null)
        {
            File.WriteAllText(combinedPath, certificatePem + keyPem);
        }
    }
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cnb-ingress-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}
