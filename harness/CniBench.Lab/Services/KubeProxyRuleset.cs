using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CniBench.Core.Clusters;

namespace CniBench.Lab.Services;

/// <summary>A Service as the lab's kube-proxy model sees it: a ClusterIP, its ports, its backend pod addresses.</summary>
/// <param name="Id">The lab-wide number the Service's chains are named after.</param>
public sealed record LabService(int Id, string Name, IPAddress Address, IReadOnlyList<ServicePort> Ports, IReadOnlyList<IPAddress> Backends);

/// <summary>
/// Renders the node-side nftables ruleset of the lab's kube-proxy model, shaped like kube-proxy's nftables mode:
/// a <c>prerouting</c> nat chain at priority dstnat jumps to <c>services</c>, which looks up
/// <c>ip daddr . meta l4proto . th dport</c> in the verdict map <c>service-ips</c>; each Service port has a
/// chain that DNATs to its one backend, or picks one of several with <c>numgen random mod N vmap</c> and jumps to
/// a per-endpoint chain that DNATs. No masquerade: kube-proxy does not SNAT pod-to-Service traffic (it marks for
/// masquerade only hairpin flows, a pod reaching itself through its own Service, and traffic from outside the
/// cluster network), so the backend sees the client pod's own address. Pure: nothing runs here.
/// </summary>
public static partial class KubeProxyRuleset
{
    public const string Table = "cnb_kubeproxy";

    /// <summary>
    /// The whole table for <paramref name="services"/>, replacing whatever was there in the same nft transaction:
    /// <c>table</c> (create if missing), <c>delete table</c>, then the new table. Loaded with one <c>nft -f -</c>,
    /// a node switches from the old rules to the new atomically. With no Service the table stays, with its base
    /// chains and an empty map, as on a real node: kube-proxy's chains (and so conntrack, which its nat and
    /// <c>ct state</c> rules turn on) exist on every node whether or not a Service does, so pod-to-pod and
    /// pod-to-Service differ only by the Service's own rules.
    /// </summary>
    /// <exception cref="ArgumentException">A Service is malformed; nothing is rendered.</exception>
    public static string Render(IReadOnlyList<LabService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Validate(services);
        var text = new StringBuilder(RemoveScript);
        text.Append(CultureInfo.InvariantCulture, $"table ip {Table} {{\n");
        text.Append("\tcomment \"CniBench lab: kube-proxy model, ClusterIP DNAT\"\n");
        text.Append("\tmap service-ips {\n");
        text.Append("\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n");
        var elements = services
            .SelectMany(s => s.Ports.Select(p => $"{s.Address} . {p.Protocol} . {I(p.Port)} : goto {ServiceChain(s, p)}"))
            .ToList();
        if (elements.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\t\telements = {{ {string.Join(", ", elements)} }}\n");
        }

        text.Append("\t}\n");
        text.Append("\tchain prerouting {\n");
        text.Append("\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
        text.Append("\t\tjump services\n");
        text.Append("\t}\n");
        text.Append("\tchain services {\n");
        text.Append("\t\tip daddr . meta l4proto . th dport vmap @service-ips\n");
        text.Append("\t}\n");
        // kube-proxy drops conntrack-invalid forwarded packets (its forward chain), so every forwarded packet is tracked.
        text.Append("\tchain forward {\n");
        text.Append("\t\ttype filter hook forward priority filter; policy accept;\n");
        text.Append("\t\tct state invalid drop\n");
        text.Append("\t}\n");
        foreach (var service in services)
        {
            foreach (var port in service.Ports)
            {
                AppendServicePort(text, service, port);
            }
        }

        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>Removes the table if it exists (creating it first makes the delete safe when it does not); prefixes every render.</summary>
    public static string RemoveScript { get; } = $"table ip {Table}\ndelete table ip {Table}\n";

    public static string ServiceChain(LabService service, ServicePort port)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(port);
        return string.Create(CultureInfo.InvariantCulture, $"svc{service.Id}-{port.Protocol}-{port.Port}");
    }

    private static void AppendServicePort(StringBuilder text, LabService service, ServicePort port)
    {
        var chain = ServiceChain(service, port);
        text.Append(CultureInfo.InvariantCulture, $"\tchain {chain} {{\n");
        text.Append(CultureInfo.InvariantCulture, $"\t\tcomment \"{service.Name} {service.Address}:{I(port.Port)}/{port.Protocol}\"\n");
        if (service.Backends.Count == 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"\t\t{Dnat(service.Backends[0], port)}\n");
            text.Append("\t}\n");
            return;
        }

        var choices = service.Backends.Select((_, i) => $"{I(i)} : goto {chain}-ep{I(i)}");
        text.Append(CultureInfo.InvariantCulture, $"\t\tnumgen random mod {I(service.Backends.Count)} vmap {{ {string.Join(", ", choices)} }}\n");
        text.Append("\t}\n");
        for (var i = 0; i < service.Backends.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\tchain {chain}-ep{I(i)} {{\n");
            text.Append(CultureInfo.InvariantCulture, $"\t\t{Dnat(service.Backends[i], port)}\n");
            text.Append("\t}\n");
        }
    }

    // The protocol match gives dnat the layer-4 context a port needs (the map matched it already, but nft cannot know).
    private static string Dnat(IPAddress backend, ServicePort port) =>
        string.Create(CultureInfo.InvariantCulture, $"meta l4proto {port.Protocol} dnat to {backend}:{port.Port}");

    private static void Validate(IReadOnlyList<LabService> services)
    {
        var errors = new List<string>();
        foreach (var service in services)
        {
            var label = string.Create(CultureInfo.InvariantCulture, $"service {service.Id} '{service.Name}'");
            if (!ServiceName().IsMatch(service.Name))
            {
                errors.Add($"{label}: the name must be a DNS label (lower-case letters, digits, '-', at most 63)");
            }

            if (service.Address.AddressFamily != AddressFamily.InterNetwork)
            {
                errors.Add($"{label}: ClusterIP {service.Address} is not IPv4");
            }

            if (service.Ports.Count == 0)
            {
                errors.Add($"{label}: no ports");
            }

            errors.AddRange(service.Ports
                .Where(p => p.Protocol is not ("tcp" or "udp") || p.Port is < 1 or > 65535)
                .Select(p => $"{label}: port {p} must be 1-65535 over tcp or udp"));
            errors.AddRange(service.Ports
                .GroupBy(p => p)
                .Where(g => g.Count() > 1)
                .Select(g => $"{label}: port {g.Key} listed twice"));
            if (service.Backends.Count == 0)
            {
                errors.Add($"{label}: no backends");
            }

            errors.AddRange(service.Backends
                .Where(b => b.AddressFamily != AddressFamily.InterNetwork)
                .Select(b => $"{label}: backend {b} is not IPv4"));
        }

        errors.AddRange(services
            .GroupBy(s => s.Id)
            .Where(g => g.Count() > 1)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"service id {g.Key} used twice")));
        errors.AddRange(services
            .GroupBy(s => s.Address)
            .Where(g => g.Count() > 1)
            .Select(g => $"ClusterIP {g.Key} used by {string.Join(" and ", g.Select(s => s.Name))}"));
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(services));
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex ServiceName();
}
