using System.Security.Cryptography;
using CniBench.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Catalog;

/// <summary>
/// Key material a variant needs before its CNI starts (Cilium's IPsec key, Weave Net's password). Generated per run
/// with <see cref="RandomNumberGenerator"/>, sent only in the Secret's body, never reported or written anywhere else.
/// </summary>
public static class VariantSecret
{
    private const string PasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// <c>ipsec-key</c>: Cilium's key line <c>3 rfc4106(gcm(aes)) &lt;40 hex&gt; 128</c> (SPI 3, AES-GCM-128 with a
    /// 20-byte key and salt, a 128-bit ICV); <c>password</c>: 40 random letters and digits (about 238 bits).
    /// </summary>
    public static string Generate(SecretGenerator generator) => generator switch
    {
        SecretGenerator.IpsecKey => $"3 rfc4106(gcm(aes)) {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))} 128",
        SecretGenerator.Password => RandomNumberGenerator.GetString(PasswordAlphabet, 40),
        _ => throw new ArgumentOutOfRangeException(nameof(generator), generator, "unknown secret generator"),
    };

    /// <summary>True when the Secret exists; its data is not looked at.</summary>
    public static async Task<bool> ExistsAsync(IKubernetes client, string clusterName, SecretSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.ReadNamespacedSecretAsync(spec.Name, spec.Namespace, cancellationToken: cancellationToken);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, clusterName, $"reading Secret {spec.Namespace}/{spec.Name}"), ex);
        }
    }

    /// <summary>
    /// Creates the Secret with fresh key material unless it exists: replacing a key under running agents would cut
    /// their traffic (Cilium rotates IPsec keys only with a new SPI). Returns whether it created one.
    /// </summary>
    public static async Task<bool> EnsureAsync(IKubernetes client, string clusterName, SecretSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (await ExistsAsync(client, clusterName, spec, cancellationToken))
        {
            return false;
        }

        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = spec.Name, NamespaceProperty = spec.Namespace, Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = KubeLabels.FieldManager } },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { [spec.Key] = System.Text.Encoding.UTF8.GetBytes(Generate(spec.Generate)) },
        };
        try
        {
            await client.CoreV1.CreateNamespacedSecretAsync(secret, spec.Namespace, fieldManager: KubeLabels.FieldManager, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            // Describe only the call, and keep the client exception (whose request holds the body, the key) out of the chain.
            throw new KubeOperationException(KubeErrors.Describe(ex, clusterName, $"creating Secret {spec.Namespace}/{spec.Name}"));
        }

        return true;
    }
}
