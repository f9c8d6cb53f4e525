using System.Net;
using CniBench.Core.Yaml;
using CniBench.NetworkPolicy.Policies;

namespace CniBench.NetworkPolicy.Model;

/// <summary>Either a model, or every error found in its file.</summary>
public sealed record ModelLoadResult(ClusterModel? Model, IReadOnlyList<InputError> Errors)
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
            : new ModelLoadResult(null, [new InputError(path, 0, 0, "no such file")]);
    }

    public static ModelLoadResult LoadText(string text, string fileName)
    {
        var errors = new List<InputError>();
        var root = YamlMap.Document(text, fileName, errors);
        if (root is null)
        {
            return new ModelLoadResult(null, errors);
        }

        var namespaceEntries = root.Entries("namespaces", required: true);
        var podEntries = root.Entries("pods", required: true);
        // A misspelt section explains the errors that follow from its absence, so it is reported first.
        root.Finish();

        var namespaces = new List<NamespaceModel>();
        foreach (var (name, _, value) in namespaceEntries ?? [])
        {
            if (value.Map() is { } map)
            {
                var labels = Labels(map);
                map.Finish();
                labels.TryAdd(DefaultModel.MetadataNameLabel, name);
                namespaces.Add(new NamespaceModel(name, labels));
            }
        }

        var declared = namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var pods = new List<PodModel>();
        foreach (var (id, key, value) in podEntries ?? [])
        {
            var parts = id.Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                key.ErrorHere("a pod key is <namespace>/<pod>");
                continue;
            }

            if (!declared.Contains(parts[0]))
            {
                key.ErrorHere($"namespace '{parts[0]}' is not declared under namespaces");
            }

            if (value.Map() is { } map)
            {
                pods.Add(new PodModel(parts[0], parts[1], Labels(map), Ip(map), Ports(map)));
                map.Finish();
            }
        }

        return errors.Count > 0 ? new ModelLoadResult(null, errors) : new ModelLoadResult(new ClusterModel(namespaces, pods), []);
    }

    private static Dictionary<string, string> Labels(YamlMap owner) =>
        new(owner.ScalarMap("labels", required: false) ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    private static IPAddress? Ip(YamlMap pod)
    {
        var value = pod.Value("ip");
        if (value is null)
        {
            return null;
        }

        if (IPAddress.TryParse(value.Text, out var ip))
        {
            return ip;
        }

        value.Expected("an IP address");
        return null;
    }

    private static List<ContainerPortModel> Ports(YamlMap pod)
    {
        var ports = new List<ContainerPortModel>();
        foreach (var item in pod.MapList("ports", required: false) ?? [])
        {
            var name = item.String("name", required: false);
            var port = item.Int("port", required: true, min: 1, max: 65535);
            var protocol = item.Value("protocol") is { } protocolValue
                ? protocolValue.Scalar("TCP, UDP or SCTP", text => NetpolProtocols.TryParse(text, out var parsed) ? parsed : (NetpolProtocol?)null)
                : NetpolProtocol.Tcp;
            if (name is not null && !PolicyValidator.IsPortName(name))
            {
                item.ErrorOn("name", $"'{name}' is not a valid port name");
            }

            item.Finish();
            if (port is not null && protocol is not null)
            {
                ports.Add(new ContainerPortModel(name, port.Value, protocol.Value));
            }
        }

        return ports;
    }
}
