using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// A throw-away self-signed server certificate for one TLS measurement: ECDSA P-256, SAN for the Ingress host and (in
/// the lab) the controller's address, serverAuth only, valid for a few hours. The key exists only in memory and in the
/// controller's own directory (lab) or the Ingress's Secret (cluster); <see cref="ToString"/> never shows it.
/// </summary>
public sealed class IngressCertificate
{
    /// <summary>Long enough for the longest measurement a scenario allows (1 h load plus 10 min churn), short enough to be useless afterwards.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromHours(2);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private IngressCertificate(string certificatePem, string privateKeyPem, DateTimeOffset notAfter)
    {
        CertificatePem = certificatePem;
        PrivateKeyPem = privateKeyPem;
        NotAfter = notAfter;
    }

    public string CertificatePem { get; }

    /// <summary>PKCS#8 PEM; belongs in a file of mode 0600.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>Certificate then key in one file, as HAProxy's <c>crt</c> reads it.</summary>
    public string CombinedPem => CertificatePem + PrivateKeyPem;

    public DateTimeOffset NotAfter { get; }

    /// <summary>
    /// A fresh key pair and certificate for <paramref name="host"/> and, when given, <paramref name="address"/> (null on
    /// a cluster, where the controller's ClusterIP is read only after the certificate is handed over).
    /// </summary>
    public static IngressCertificate Create(string host, IPAddress? address, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        if (address is not null)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // A minute back, so a pod clock a little behind the harness still finds it valid.
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-1), now + Validity);
        return new IngressCertificate(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n", now + Validity);
    }

    public override string ToString() => $"self-signed ECDSA P-256 certificate, valid until {NotAfter:u}";
}
