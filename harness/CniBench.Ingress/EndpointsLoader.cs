using System.Net;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CniBench.Ingress;

/// <summary>
/// Reads the endpoints description (YAML, or JSON which is valid YAML):
/// <code>
/// services:
///   - name: web
///     namespace: default        # optional, default "default"
///     ports:
///       - name: http            # name, port or both
///         port: 80
///         endpoints: ["198.19.1.10:8080", "198.19.2.10:8080"]
/// </code>
/// </summary>
public static class EndpointsLoader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <exception cref="IngressConfigException">Every problem in the file at once.</exception>
    public static EndpointsSet LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <exception cref="IngressConfigException">Every problem in the text at once.</exception>
    public static EndpointsSet Parse(string text, string source)
    {
        EndpointsDocument? document;
        try
        {
            document = Deserializer.Deserialize<EndpointsDocument>(text);
        }
        catch (YamlException e)
        {
            throw new IngressConfigException([new IngressConfigError($"{source}:{e.Start.Line}:{e.Start.Column}", Innermost(e))]);
        }

        var errors = new List<IngressConfigError>();
        var services = new List<ServiceEndpoints>();
        var serviceItems = document?.Services ?? [];
        for (var s = 0; s < serviceItems.Count; s++)
        {
            var item = serviceItems[s];
            var where = $"{source}: services[{s}]";
            if (string.IsNullOrWhiteSpace(item.Name))
            {
                errors.Add(new IngressConfigError(where, "a service needs a name"));
                continue;
            }

            var ns = string.IsNullOrWhiteSpace(item.Namespace) ? "default" : item.Namespace;
            where = $"{source}: service {ns}/{item.Name}";
            if (services.Any(x => x.Namespace == ns && x.Name == item.Name))
            {
                errors.Add(new IngressConfigError(where, "listed twice"));
                continue;
            }

            var ports = new List<ServicePortEndpoints>();
            for (var p = 0; p < item.Ports.Count; p++)
            {
                var port = item.Ports[p];
                var portWhere = $"{where} ports[{p}]";
                if (port.Port is null && string.IsNullOrWhiteSpace(port.Name))
                {
                    errors.Add(new IngressConfigError(portWhere, "a port needs a name, a number or both"));
                    continue;
                }

                if (port.Port is <= 0 or > 65535)
                {
                    errors.Add(new IngressConfigError(portWhere, $"port {port.Port} is outside 1-65535"));
                    continue;
                }

                var endpoints = new List<IPEndPoint>();
                foreach (var text2 in port.Endpoints)
                {
                    if (IPEndPoint.TryParse(text2, out var endpoint) && endpoint.Port != 0)
                    {
                        endpoints.Add(endpoint);
                    }
                    else
                    {
                        errors.Add(new IngressConfigError(portWhere, $"endpoint '{text2}' is not ip:port"));
                    }
                }

                ports.Add(new ServicePortEndpoints(string.IsNullOrWhiteSpace(port.Name) ? null : port.Name, port.Port, endpoints));
            }

            services.Add(new ServiceEndpoints(ns, item.Name, ports));
        }

        return errors.Count > 0 ? throw new IngressConfigException(errors) : new EndpointsSet(services);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    /// <summary>The serialised form, for writers (tests, the lab) that produce the file.</summary>
    public static string ToYaml(EndpointsSet set)
    {
        var document = new EndpointsDocument
        {
            Services = set.Services.Select(s => new ServiceItem
            {
                Name = s.Name,
                Namespace = s.Namespace,
                Ports = s.Ports.Select(p => new PortItem
                {
                    Name = p.Name,
                    Port = p.Port,
                    Endpoints = p.Endpoints.Select(e => e.ToString()).ToList(),
                }).ToList(),
            }).ToList(),
        };
        return new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
            .Build()
            .Serialize(document);
    }

    private sealed class EndpointsDocument
    {
        public List<ServiceItem> Services { get; set; } = [];
    }

    private sealed class ServiceItem
    {
        public string? Name { get; set; }

        public string? Namespace { get; set; }

        public List<PortItem> Ports { get; set; } = [];
    }

    private sealed class PortItem
    {
        public string? Name { get; set; }

        public int? Port { get; set; }

        public List<string> Endpoints { get; set; } = [];
    }
}
