using System.Net;

namespace CniBench.Ingress.Yarp;

/// <summary>What the controller serves and where: its command line, as a value.</summary>
public sealed record IngressHostOptions
{
    /// <summary>Ingress YAML files or directories.</summary>
    public required IReadOnlyList<string> IngressPaths { get; init; }

    public required string EndpointsPath { get; init; }

    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [];

    public IReadOnlyList<IPEndPoint> TlsListen { get; init; } = [];

    public string? TlsCertificatePath { get; init; }

    public string? TlsKeyPath { get; init; }

    public string? IngressClass { get; init; }

    /// <summary>How often the input files are checked for changes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
