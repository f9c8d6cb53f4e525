using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>What the <c>ingress</c> test varies (one variant per controller) and how it loads and churns them.</summary>
public sealed record IngressTestSpec : TestSettings
{
    public const string Yarp = "yarp";
    public const string Nginx = "nginx";
    public const string Haproxy = "haproxy";

    /// <summary>The variant without a controller: the client loads a backend on its own node (the generator's ceiling).</summary>
    public const string Direct = "direct";

    /// <summary>Appended to a controller's name for its TLS-terminating variant, e.g. <c>nginx-tls</c>.</summary>
    public const string TlsSuffix = "-tls";

    public static IReadOnlyList<string> ControllerNames { get; } = [Yarp, Nginx, Haproxy];

    public IReadOnlyList<string> Controllers { get; init; } = ControllerNames;

    /// <summary>Also measure the <see cref="Direct"/> variant.</summary>
    public bool IncludeDirect { get; init; } = true;

    public long PayloadBytes { get; init; } = 1024;

    /// <summary><c>keepalive</c> or <c>close</c>, as for <c>http</c>.</summary>
    public string ConnectionMode { get; init; } = HttpTestSpec.KeepAlive;

    public int Connections { get; init; } = 32;

    public int Threads { get; init; } = 2;

    /// <summary>Length of the churn phase (1-second load slices while backends and routes change); zero skips it.</summary>
    public TimeSpan Churn { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Also measure each controller terminating TLS (variant <c>&lt;controller&gt;-tls</c>); <c>direct</c> stays plain HTTP.</summary>
    public bool Tls { get; init; }

    /// <summary>The controller a variant runs and whether it terminates TLS: <c>nginx-tls</c> → (nginx, true).</summary>
    public static (string Controller, bool Tls) ParseVariant(string variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return variant.EndsWith(TlsSuffix, StringComparison.Ordinal) && variant.Length > TlsSuffix.Length
            ? (variant[..^TlsSuffix.Length], true)
            : (variant, false);
    }

    /// <summary>
    /// One variant per controller, named after it; <c>direct</c> (no controller, the generator's ceiling) first; with
    /// TLS, each controller's <c>-tls</c> variant after the plain ones.
    /// </summary>
    public override IReadOnlyList<TestVariant> Variants() =>
    [
        .. (IncludeDirect ? [Direct] : Array.Empty<string>())
            .Concat(Controllers)
            .Concat(Tls ? Controllers.Select(c => c + TlsSuffix) : [])
            .Select(name => new TestVariant(name, Connections)),
    ];
}
