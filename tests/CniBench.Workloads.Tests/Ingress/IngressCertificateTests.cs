using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CniBench.Workloads.Ingress;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Workloads.Tests.Ingress;

public sealed class IngressCertificateTests
{
    private static readonly IPAddress ControllerAddress = IPAddress.Parse("198.19.1.11");
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Load(IngressCertificate certificate) =>
        X509Certificate2.CreateFromPem(certificate.CertificatePem, certificate.PrivateKeyPem);

    [Fact]
    public void Create_HostAndAddress_HasBothAsSubjectAlternativeNames()
    {
        using var certificate = Load(IngressCertificate.Create(IngressModel.Host, ControllerAddress, new FakeTimeProvider(Now)));

        var names = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal([IngressModel.Host], names.EnumerateDnsNames());
        Assert.Equal([ControllerAddress], names.EnumerateIPAddresses());
        Assert.True(certificate.MatchesHostname(IngressModel.Host));
        Assert.Equal($"CN={IngressModel.Host}", certificate.Subject);
    }

    [Fact]
    public void Create_Always_IsAServerOnlyLeafWithAShortValidity()
    {
        using var certificate = Load(IngressCertificate.Create(IngressModel.Host, ControllerAddress, new FakeTimeProvider(Now)));

        var usages = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], usages.Cast<Oid>().Select(o => o.Value));
        Assert.False(Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.Equal(Now.AddMinutes(-1).UtcDateTime, certificate.NotBefore.ToUniversalTime());
        Assert.Equal((Now + IngressCertificate.Validity).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.True(IngressCertificate.Validity <= TimeSpan.FromHours(2));
    }

    [Fact]
    public void Create_PemPair_RoundTripsToAP256KeyThatSignsForTheCertificate()
    {
        var pem = IngressCertificate.Create(IngressModel.Host, ControllerAddress, new FakeTimeProvider(Now));
        using var certificate = Load(pem);
        using var privateKey = certificate.GetECDsaPrivateKey()!;
        using var publicKey = certificate.GetECDsaPublicKey()!;
        byte[] data = [1, 2, 3, 4];

        var signature = privateKey.SignData(data, HashAlgorithmName.SHA256);

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(256, privateKey.KeySize);
        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem.CertificatePem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem.PrivateKeyPem, StringComparison.Ordinal);
        Assert.Equal(pem.CertificatePem + pem.PrivateKeyPem, pem.CombinedPem);
        Assert.Equal(certificate.ExportCertificatePem() + "\n", pem.CertificatePem);
    }

    [Fact]
    public void Create_TwoCalls_MakeDifferentKeysAndNeverShowTheKeyInToString()
    {
        var time = new FakeTimeProvider(Now);
        var first = IngressCertificate.Create(IngressModel.Host, ControllerAddress, time);
        var second = IngressCertificate.Create(IngressModel.Host, ControllerAddress, time);

        Assert.NotEqual(first.PrivateKeyPem, second.PrivateKeyPem);
        Assert.DoesNotContain("PRIVATE KEY", first.ToString(), StringComparison.Ordinal);
        Assert.Contains("valid until 2026-11-26 14:00:00Z", first.ToString(), StringComparison.Ordinal);
    }
}
