using System.Globalization;
using System.Net;
using CniBench.NetworkPolicy.Policies;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.NetworkPolicy.Model;

/// <summary>Either a model, or every error found in its file.</summary>
public sealed record ModelLoadResult(ClusterModel? Model, IReadOnlyList<NetpolInputError> Errors)
{
    public bool Succeeded => Model is not null && Errors.Count == 0;
}

/// <summary>
/// Reads a user's model file:
/// <c>namespaces: {x: {labels: {…}}, …}</c> and
/// <c>pods: {x/a: {labels: {…}, ip: "198.19.1.11", ports: [{name: serve-80-tcp, port: 80, protocol: TCP}, …]}, …}</c>.
/// Namespaces get <c>kubernetes.io/metadata.name</c> as the API server would set it, unless the file sets it.
/// </summary>
public static class ModelLoader
{
    public static ModelLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return File.Exists(path)
            ? LoadText(File.ReadAllText(path), path)
            : new ModelLoadResult(null, [new NetpolInputError(path, 0, 0, string.Empty, "no such file")]);
    }

    public static ModelLoadResult LoadText(string text, string fileName)
    {
        var errors = new List<NetpolInputError>();
        void Error(YamlNode node, string field, string message) =>
            errors.Add(new NetpolInputError(fileName, (int)node.Start.Line, (int)node.Start.Column, field, message));

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return new ModelLoadResult(null, [new NetpolInputError(fileName, (int)e.Start.Line, (int)e.Start.Column, string.Empty, "not valid YAML")]);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new ModelLoadResult(null, [new NetpolInputError(fileName, 1, 1, string.Empty, "a model is one YAML mapping with namespaces and pods")]);
        }

        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value is not ("namespaces" or "pods")))
        {
            Error(key, key.Value ?? string.Empty, "unknown field: a model has only namespaces and pods");
        }

        var namespaces = new List<NamespaceModel>();
        if (Child(root, "namespaces") is not YamlMappingNode namespaceNodes)
        {
            Error(root, "namespaces", "required: a mapping from namespace name to {labels: {…}}");
        }
        else
        {
            foreach (var (keyNode, value) in namespaceNodes.Children)
            {
                var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                var field = "namespaces." + name;
                var labels = Labels(value, field, Error);
                labels.TryAdd(DefaultModel.MetadataNameLabel, name);
                namespaces.Add(new NamespaceModel(name, labels));
            }
        }

        var declared = namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var pods = new List<PodModel>();
        if (Child(root, "pods") is not YamlMappingNode podNodes)
        {
            Error(root, "pods", "required: a mapping from ns/pod to {labels, ip, ports}");
        }
        else
        {
            foreach (var (keyNode, value) in podNodes.Children)
            {
                var id = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                var field = "pods." + id;
                var parts = id.Split('/');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                {
                    Error(keyNode, field, "a pod key is <namespace>/<pod>");
                    continue;
                }

                if (!declared.Contains(parts[0]))
                {
                    Error(keyNode, field, $"namespace '{parts[0]}' is not declared under namespaces");
                }

                pods.Add(new PodModel(parts[0], parts[1], Labels(value, field, Error), Ip(value, field, Error), Ports(value, field, Error)));
            }
        }

        return errors.Count > 0 ? new ModelLoadResult(null, errors) : new ModelLoadResult(new ClusterModel(namespaces, pods), []);
    }

    private static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static Dictionary<string, string> Labels(YamlNode owner, string field, Action<YamlNode, string, string> error)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(owner, "labels"))
        {
            case null:
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    if (value is YamlScalarNode scalar)
                    {
                        labels[((YamlScalarNode)key).Value ?? string.Empty] = scalar.Value ?? string.Empty;
                    }
                    else
                    {
                        error(value, $"{field}.labels.{key}", "a label value is a string");
                    }
                }

                break;
            case var other:
                error(other, field + ".labels", "labels is a mapping of key: value");
                break;
        }

        return labels;
    }

    private static IPAddress? Ip(YamlNode pod, string field, Action<YamlNode, string, string> error)
    {
        var node = Child(pod, "ip");
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && IPAddress.TryParse(text, out var ip))
        {
            return ip;
        }

        error(node, field + ".ip", "not an IP address");
        return null;
    }

    private static List<ContainerPortModel> Ports(YamlNode pod, string field, Action<YamlNode, string, string> error)
    {
        var ports = new List<ContainerPortModel>();
        var node = Child(pod, "ports");
        if (node is null)
        {
            return ports;
        }

        if (node is not YamlSequenceNode sequence)
        {
            error(node, field + ".ports", "ports is a list of {name, port, protocol}");
            return ports;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var itemField = string.Create(CultureInfo.InvariantCulture, $"{field}.ports[{i}]");
            var name = (Child(item, "name") as YamlScalarNode)?.Value;
            var portNode = Child(item, "port");
            var protocolText = (Child(item, "protocol") as YamlScalarNode)?.Value ?? "TCP";
            if (portNode is not YamlScalarNode { Value: { } portText }
                || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                error(portNode ?? item, itemField + ".port", "required: a port number between 1 and 65535");
                continue;
            }

            if (!NetpolProtocols.TryParse(protocolText, out var protocol))
            {
                error(Child(item, "protocol")!, itemField + ".protocol", $"'{protocolText}' must be TCP, UDP or SCTP");
                continue;
            }

            if (name is not null && !PolicyValidator.IsPortName(name))
            {
                error(Child(item, "name")!, itemField + ".name", $"'{name}' is not a valid port name");
            }

            ports.Add(new ContainerPortModel(name, port, protocol));
        }

        return ports;
    }
}
