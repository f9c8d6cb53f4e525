using System.Net;

namespace CniBench.Ingress;

/// <summary>The backends of one Service, by port: what an EndpointSlice says, reduced to what a proxy needs.</summary>
public sealed record ServiceEndpoints(string Namespace, string Name, IReadOnlyList<ServicePortEndpoints> Ports)
{
    /// <summary>The port an Ingress backend names, by number or by name.</summary>
    public ServicePortEndpoints? FindPort(int? number, string? name) =>
        Ports.FirstOrDefault(p => number is > 0 ? p.Port == number : name is not null && string.Equals(p.Name, name, StringComparison.Ordinal));
}

/// <summary>One Service port (its name and/or number) and the pod addresses behind it.</summary>
public sealed record ServicePortEndpoints(string? Name, int? Port, IReadOnlyList<IPEndPoint> Endpoints)
{
    /// <summary>How routes and configs name this port: the number when the Service has one, else the name.</summary>
    public string Key => Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Name ?? "?";
}

/// <summary>Every Service the Ingress objects may route to.</summary>
public sealed record EndpointsSet(IReadOnlyList<ServiceEndpoints> Services)
{
    public static EndpointsSet Empty { get; } = new([]);

    public ServiceEndpoints? Find(string @namespace, string name) =>
        Services.FirstOrDefault(s => string.Equals(s.Namespace, @namespace, StringComparison.Ordinal) && string.Equals(s.Name, name, StringComparison.Ordinal));
}
