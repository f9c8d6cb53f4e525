using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Scenarios;

/// <summary>
/// Turns scenario YAML into a validated <see cref="ScenarioSpec"/>. Every error is collected and
/// reported together with file, line and column; nothing is created when any is found.
/// </summary>
public sealed class ScenarioLoader(IReadOnlySet<string> knownCnis)
{
    /// <summary>
    /// The controllers of the Kubernetes ingress catalog (manifests/ingress/*.yaml). On the kubernetes provider the
    /// ingress test's <c>controllers:</c> name these; on the lab they name the dataplanes CniBench runs itself.
    /// </summary>
    public IReadOnlyCollection<string> IngressControllers { get; init; } = [];

    public static IReadOnlyList<string> Providers { get; } = ["lab", "kubernetes"];

    public static IReadOnlyList<string> KnownTests { get; } = ["tcp", "udp", "netpol", "mtu", "http", "ingress"];

    private static readonly string[] TopLevelKeys = ["name", "description", "provider", "cnis", "underlay", "repetitions", "lab", "kubernetes", "tests"];
    private static readonly string[] KubernetesKeys = ["kubeconfig", "readyTimeout", "images", "clusters"];
    private static readonly string[] KubernetesImageKeys = ["iperf3", "agnhost", "yarpIngress"];
    private static readonly string[] KubernetesClusterKeys = ["context", "disposable", "provision", "destroy"];
    private static readonly string[] LabKeys = ["nodes", "podsPerNode", "mtu"];
    private static readonly string[] TcpKeys = ["test", "duration", "warmup", "streams", "topologies", "repetitions"];
    private static readonly string[] UdpKeys = [.. TcpKeys, "bitrate"];
    private static readonly string[] MtuKeys = ["test", "topologies", "repetitions"];
    private static readonly string[] HttpKeys = ["test", "duration", "warmup", "payloads", "connections", "threads", "connectionModes", "modes", "topologies", "repetitions"];
    private static readonly string[] IngressKeys = ["test", "controllers", "direct", "payload", "connectionMode", "connections", "threads", "duration", "warmup", "churn", "tls", "repetitions"];
    private static readonly string[] NetpolKeys = ["test", "suite", "cases", "model", "probeTimeout", "samples", "selfTraffic", "repetitions"];

    public ScenarioSpec LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ScenarioException([new ScenarioError(path, 0, 0, "no such scenario file (scenarios live in scenarios/*.yaml)")]);
        }

        return Load(File.ReadAllText(path), path);
    }

    public ScenarioSpec Load(string yaml, string file)
    {
        var reader = new YamlNodeReader(file);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException?.Message ?? ex.Message;
            throw new ScenarioException([new ScenarioError(file, (int)ex.Start.Line, (int)ex.Start.Column, $"not valid YAML: {message}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not YamlException) on some unterminated flow collections.
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new ScenarioException([new ScenarioError(file, (int)mark.Line, (int)mark.Column,
                "not valid YAML: the text after this point cannot be read; check for an unclosed [ or { or a stray quote")]);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ScenarioException([new ScenarioError(file, 1, 1, "expected exactly one YAML document holding the scenario mapping")]);
        }

        var root = reader.Mapping(stream.Documents[0].RootNode, "the scenario");
        var spec = root is null ? null : ReadScenario(root, reader, file);
        if (reader.Errors.Count > 0 || spec is null)
        {
            throw new ScenarioException([.. reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return spec;
    }

    private ScenarioSpec? ReadScenario(YamlMappingNode root, YamlNodeReader reader, string file)
    {
        reader.CheckKeys(root, "the scenario", TopLevelKeys);
        var defaults = new ScenarioSpec { Name = "", Cnis = [], Tests = [] };

        string? name = null;
        if (YamlNodeReader.Get(root, "name") is { } nameNode)
        {
            name = reader.String(nameNode, "name");
        }
        else
        {
            reader.Error(root, "missing 'name': every scenario needs a name (it is recorded in run.json and the report)");
        }

        var description = YamlNodeReader.Get(root, "description") is { } d ? reader.String(d, "description") ?? "" : "";
        var provider = defaults.Provider;
        if (YamlNodeReader.Get(root, "provider") is { } providerNode && reader.String(providerNode, "provider") is { } p)
        {
            if (!Providers.Contains(p, StringComparer.Ordinal))
            {
                reader.Error(providerNode, $"unknown provider '{p}'; expected one of: {string.Join(", ", Providers)}");
            }

            provider = p;
        }

        var cnis = ReadCnis(root, reader);
        var underlay = YamlNodeReader.Get(root, "underlay") is { } u ? reader.Bool(u, "underlay") ?? true : defaults.Underlay;
        var repetitions = YamlNodeReader.Get(root, "repetitions") is { } r ? reader.Int(r, "repetitions", 1, 1000) ?? 1 : defaults.Repetitions;
        var lab = YamlNodeReader.Get(root, "lab") is { } labNode ? ReadLab(labNode, reader) : new LabSpec();
        var tests = ReadTests(root, reader, lab, provider);
        var kubernetes = YamlNodeReader.Get(root, "kubernetes") is { } kn ? ReadKubernetes(kn, reader, cnis) : null;
        if (provider == "kubernetes" && kubernetes is null)
        {
            reader.Error(root, "provider: kubernetes needs a 'kubernetes:' section naming a cluster (context or provision command) for each CNI");
        }

        return name is null
            ? null
            : new ScenarioSpec
            {
                Name = name,
                Description = description,
                SourcePath = file,
                Provider = provider,
                Cnis = cnis,
                Underlay = underlay,
                Repetitions = repetitions,
                Lab = lab,
                Kubernetes = kubernetes,
                Tests = tests,
            };
    }

    private static KubernetesSpec? ReadKubernetes(YamlNode node, YamlNodeReader reader, List<string> cnis)
    {
        if (reader.Mapping(node, "kubernetes") is not { } map)
        {
            return null;
        }

        reader.CheckKeys(map, "kubernetes", KubernetesKeys);
        var spec = new KubernetesSpec();
        var images = spec.Images;
        if (YamlNodeReader.Get(map, "images") is { } imagesNode && reader.Mapping(imagesNode, "kubernetes.images") is { } imagesMap)
        {
            reader.CheckKeys(imagesMap, "kubernetes.images", KubernetesImageKeys);
            images = images with
            {
                Iperf3 = YamlNodeReader.Get(imagesMap, "iperf3") is { } i ? reader.String(i, "kubernetes.images.iperf3") ?? images.Iperf3 : images.Iperf3,
                Agnhost = YamlNodeReader.Get(imagesMap, "agnhost") is { } a ? reader.String(a, "kubernetes.images.agnhost") ?? images.Agnhost : images.Agnhost,
                YarpIngress = YamlNodeReader.Get(imagesMap, "yarpIngress") is { } y ? reader.String(y, "kubernetes.images.yarpIngress") ?? images.YarpIngress : images.YarpIngress,
            };
        }

        var clusters = new Dictionary<string, KubernetesClusterSpec>(StringComparer.Ordinal);
        if (YamlNodeReader.Get(map, "clusters") is { } clustersNode && reader.Mapping(clustersNode, "kubernetes.clusters") is { } clustersMap)
        {
            foreach (var (keyNode, valueNode) in clustersMap.Children)
            {
                var cni = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!cnis.Contains(cni, StringComparer.Ordinal) && cni != Measurements.Underlay.Name)
                {
                    reader.Error(keyNode, $"kubernetes.clusters has '{cni}', which is not in cnis: [{string.Join(", ", cnis)}] (nor '{Measurements.Underlay.Name}', the optional cluster for the baseline)");
                    continue;
                }

                if (reader.Mapping(valueNode, $"kubernetes.clusters.{cni}") is not { } clusterMap)
                {
                    continue;
                }

                reader.CheckKeys(clusterMap, $"kubernetes.clusters.{cni}", KubernetesClusterKeys);
                var cluster = new KubernetesClusterSpec
                {
                    Context = YamlNodeReader.Get(clusterMap, "context") is { } c ? reader.String(c, "context") : null,
                    Disposable = YamlNodeReader.Get(clusterMap, "disposable") is { } d && (reader.Bool(d, "disposable") ?? false),
                    Provision = YamlNodeReader.Get(clusterMap, "provision") is { } p ? reader.String(p, "provision") : null,
                    Destroy = YamlNodeReader.Get(clusterMap, "destroy") is { } x ? reader.String(x, "destroy") : null,
                };
                if (cluster.Context is null && cluster.Provision is null)
                {
                    reader.Error(clusterMap, $"kubernetes.clusters.{cni} needs a 'context' (an existing cluster) or a 'provision' command");
                }

                if (cluster.Provision is not null && cluster.Destroy is null)
                {
                    reader.Error(clusterMap, $"kubernetes.clusters.{cni} has 'provision' but no 'destroy': a cluster CniBench creates must be removable");
                }

                clusters[cni] = cluster;
            }
        }

        foreach (var missing in cnis.Where(c => !clusters.ContainsKey(c)))
        {
            reader.Error(map, $"kubernetes.clusters has no entry for CNI '{missing}' (one cluster per CNI)");
        }

        return spec with
        {
            Kubeconfig = YamlNodeReader.Get(map, "kubeconfig") is { } k ? reader.String(k, "kubernetes.kubeconfig") : null,
            ReadyTimeout = YamlNodeReader.Get(map, "readyTimeout") is { } rt
                ? reader.Duration(rt, "kubernetes.readyTimeout", TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)) ?? spec.ReadyTimeout
                : spec.ReadyTimeout,
            Images = images,
            Clusters = clusters,
        };
    }

    private List<string> ReadCnis(YamlMappingNode root, YamlNodeReader reader)
    {
        var cnis = new List<string>();
        if (YamlNodeReader.Get(root, "cnis") is not { } cnisNode)
        {
            reader.Error(root, $"missing 'cnis': list the CNIs to benchmark, e.g. cnis: [{string.Join(", ", knownCnis.Order())}]");
            return cnis;
        }

        foreach (var item in reader.List(cnisNode, "cnis"))
        {
            if (reader.String(item, "a CNI name") is not { } cni)
            {
                continue;
            }

            if (!knownCnis.Contains(cni))
            {
                reader.Error(item, UnknownCni(cni));
            }
            else if (cnis.Contains(cni))
            {
                reader.Error(item, $"CNI '{cni}' is listed twice");
            }
            else
            {
                cnis.Add(cni);
            }
        }

        return cnis;
    }

    private string UnknownCni(string name)
    {
        var id = Clusters.ClusterId.Parse(name);
        var plain = knownCnis.Where(c => !c.Contains(Clusters.ClusterId.Separator, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (id.Variant is null || !knownCnis.Contains(id.Cni))
        {
            return $"unknown CNI '{id.Cni}': there is no manifests/cni/{id.Cni}.yaml; known CNIs: {string.Join(", ", plain)}";
        }

        var offered = knownCnis
            .Select(Clusters.ClusterId.Parse)
            .Where(c => c.Cni == id.Cni && c.Variant is not null)
            .Select(c => c.Variant!)
            .Order(StringComparer.Ordinal)
            .ToList();
        return offered.Count == 0
            ? $"{id.Cni} offers no variant '{id.Variant}': its manifest (manifests/cni/{id.Cni}.yaml) lists no variants, so only '{id.Cni}' itself can run"
            : $"{id.Cni} offers no variant '{id.Variant}'; its variants are: {string.Join(", ", offered)} (write e.g. '{id.Cni}{Clusters.ClusterId.Separator}{offered[0]}')";
    }

    private static LabSpec ReadLab(YamlNode node, YamlNodeReader reader)
    {
        var lab = new LabSpec();
        if (reader.Mapping(node, "lab") is not { } map)
        {
            return lab;
        }

        reader.CheckKeys(map, "lab", LabKeys);
        return lab with
        {
            Nodes = YamlNodeReader.Get(map, "nodes") is { } n ? reader.Int(n, "lab.nodes", 2, 50) ?? lab.Nodes : lab.Nodes,
            PodsPerNode = YamlNodeReader.Get(map, "podsPerNode") is { } p ? reader.Int(p, "lab.podsPerNode", 1, 50) ?? lab.PodsPerNode : lab.PodsPerNode,
            Mtu = YamlNodeReader.Get(map, "mtu") is { } m ? reader.Int(m, "lab.mtu", 1280, 9000) ?? lab.Mtu : lab.Mtu,
        };
    }

    private List<TestSpec> ReadTests(YamlMappingNode root, YamlNodeReader reader, LabSpec lab, string provider)
    {
        var tests = new List<TestSpec>();
        if (YamlNodeReader.Get(root, "tests") is not { } testsNode)
        {
            reader.Error(root, "missing 'tests': list at least one test, e.g. tests: [{test: tcp, duration: 10s}]");
            return tests;
        }

        if (testsNode is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            reader.Error(testsNode, "tests must be a non-empty list of mappings, each starting with 'test: <name>'");
            return tests;
        }

        foreach (var item in sequence.Children)
        {
            if (ReadTest(item, reader, lab, provider) is { } test)
            {
                tests.Add(test);
            }
        }

        return tests;
    }

    private TestSpec? ReadTest(YamlNode node, YamlNodeReader reader, LabSpec lab, string provider)
    {
        if (reader.Mapping(node, "each test") is not { } map)
        {
            return null;
        }

        if (YamlNodeReader.Get(map, "test") is not { } kindNode)
        {
            reader.Error(map, $"a test needs 'test: <name>'; known tests: {string.Join(", ", KnownTests)}");
            return null;
        }

        var kind = reader.String(kindNode, "test");
        if (kind is null || !KnownTests.Contains(kind, StringComparer.Ordinal))
        {
            if (kind is not null)
            {
                reader.Error(kindNode, $"unknown test '{kind}'; known tests: {string.Join(", ", KnownTests)}");
            }

            return null;
        }

        if (kind == "netpol")
        {
            return ReadNetpolTest(map, reader);
        }

        if (kind == "mtu")
        {
            return ReadMtuTest(map, reader, lab);
        }

        if (kind == "http")
        {
            return ReadHttpTest(map, reader, lab);
        }

        if (kind == "ingress")
        {
            return ReadIngressTest(map, reader, provider);
        }

        reader.CheckKeys(map, $"test '{kind}'", kind == "udp" ? UdpKeys : TcpKeys);
        var spec = new TestSpec { Test = kind };
        var duration = YamlNodeReader.Get(map, "duration") is { } dn
            ? reader.Duration(dn, $"{kind}.duration", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? spec.Duration
            : spec.Duration;
        var warmup = YamlNodeReader.Get(map, "warmup") is { } wn
            ? reader.Duration(wn, $"{kind}.warmup", TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? spec.Warmup
            : spec.Warmup;
        if (warmup.Ticks % TimeSpan.TicksPerSecond != 0 || duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            // iperf3 takes whole seconds for -t and -O.
            reader.Error(map, $"{kind}: duration and warmup must be whole seconds");
        }

        var streams = new List<int>();
        if (YamlNodeReader.Get(map, "streams") is { } sn)
        {
            foreach (var item in reader.List(sn, $"{kind}.streams"))
            {
                if (reader.Int(item, $"{kind}.streams", 1, 128) is { } s)
                {
                    streams.Add(s);
                }
            }
        }

        var bitrates = new List<long>();
        if (kind == "udp")
        {
            if (YamlNodeReader.Get(map, "bitrate") is { } bn)
            {
                foreach (var item in reader.List(bn, "udp.bitrate"))
                {
                    if (item is YamlScalarNode { Value: { } text } && Quantities.TryParseBitrate(text, out var bps))
                    {
                        bitrates.Add(bps);
                    }
                    else
                    {
                        reader.Error(item, "udp.bitrate must be a target rate such as 100M, 1G or 2.5G (bit/s, decimal units)");
                    }
                }
            }
            else
            {
                reader.Error(map, "udp needs 'bitrate', the target send rate such as 1G: unlimited UDP measures only loss");
            }
        }

        var topologies = ReadTopologies(map, reader, kind, lab);
        int? repetitions = YamlNodeReader.Get(map, "repetitions") is { } rn ? reader.Int(rn, $"{kind}.repetitions", 1, 1000) : null;
        return spec with
        {
            Duration = duration,
            Warmup = warmup,
            Streams = streams.Count > 0 ? streams.Distinct().ToList() : spec.Streams,
            BitratesBps = bitrates.Distinct().ToList(),
            Topologies = topologies.Count > 0 ? topologies.Distinct().ToList() : [.. spec.Topologies.Where(t => t != Measurements.Topologies.SameNode || lab.PodsPerNode >= 2)],
            Repetitions = repetitions,
        };
    }

    private static List<string> ReadTopologies(YamlMappingNode map, YamlNodeReader reader, string kind, LabSpec lab, IReadOnlyList<string>? allowed = null)
    {
        allowed ??= Measurements.Topologies.All;
        var topologies = new List<string>();
        if (YamlNodeReader.Get(map, "topologies") is not { } tn)
        {
            return topologies;
        }

        foreach (var item in reader.List(tn, $"{kind}.topologies"))
        {
            if (reader.String(item, "a topology") is not { } topology)
            {
                continue;
            }

            if (!allowed.Contains(topology, StringComparer.Ordinal))
            {
                reader.Error(item, $"unknown topology '{topology}' for {kind}; expected one of: {string.Join(", ", allowed)}");
            }
            else if (topology == Measurements.Topologies.SameNode && lab.PodsPerNode < 2)
            {
                reader.Error(item, "same-node needs lab.podsPerNode of 2 or more");
            }
            else
            {
                topologies.Add(topology);
            }
        }

        return topologies;
    }

    /// <summary>The path MTU matters where packets leave the node, so cross-node is the default.</summary>
    private static TestSpec ReadMtuTest(YamlMappingNode map, YamlNodeReader reader, LabSpec lab)
    {
        reader.CheckKeys(map, "test 'mtu'", MtuKeys);
        // A path MTU is a property of the pod-to-pod path; a Service adds no hop of its own.
        var topologies = ReadTopologies(map, reader, "mtu", lab, [Measurements.Topologies.SameNode, Measurements.Topologies.CrossNode]);
        return new TestSpec
        {
            Test = "mtu",
            Topologies = topologies.Count > 0 ? topologies.Distinct().ToList() : [Measurements.Topologies.CrossNode],
            Repetitions = YamlNodeReader.Get(map, "repetitions") is { } rn ? reader.Int(rn, "mtu.repetitions", 1, 1000) : null,
        };
    }

    /// <summary>HTTP load: nginx serves fixed payloads, wrk loads them; every list is one axis of the variant matrix.</summary>
    private static TestSpec ReadHttpTest(YamlMappingNode map, YamlNodeReader reader, LabSpec lab)
    {
        reader.CheckKeys(map, "test 'http'", HttpKeys);
        var http = new HttpTestSpec();
        var duration = YamlNodeReader.Get(map, "duration") is { } dn
            ? reader.Duration(dn, "http.duration", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? HttpDefaultDuration
            : HttpDefaultDuration;
        var warmup = YamlNodeReader.Get(map, "warmup") is { } wn
            ? reader.Duration(wn, "http.warmup", TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? TimeSpan.FromSeconds(1)
            : TimeSpan.FromSeconds(1);
        // wrk's -d takes whole seconds.
        foreach (var (key, value) in new[] { ("duration", duration), ("warmup", warmup) })
        {
            if (value.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                reader.Error(YamlNodeReader.Get(map, key) ?? map, $"http.{key} must be whole seconds (wrk's -d has no finer unit)");
            }
        }

        var payloads = new List<long>();
        if (YamlNodeReader.Get(map, "payloads") is { } pn)
        {
            foreach (var item in reader.List(pn, "http.payloads"))
            {
                if (item is YamlScalarNode { Value: { } text } && Quantities.TryParseSize(text, out var bytes) && bytes <= 1L << 30)
                {
                    payloads.Add(bytes);
                }
                else
                {
                    reader.Error(item, "http.payloads must be response sizes such as 1KiB, 100KiB or 1MiB (binary units, at most 1GiB)");
                }
            }
        }

        var connections = YamlNodeReader.Get(map, "connections") is { } cn ? reader.Int(cn, "http.connections", 1, 10000) ?? http.Connections : http.Connections;
        var threads = YamlNodeReader.Get(map, "threads") is { } tn ? reader.Int(tn, "http.threads", 1, 64) ?? http.Threads : http.Threads;
        if (threads > connections)
        {
            // wrk refuses fewer connections than threads: each thread needs at least one.
            reader.Error(YamlNodeReader.Get(map, "threads") ?? map, $"http.threads ({threads}) must not exceed http.connections ({connections})");
        }

        var connectionModes = ReadChoices(map, reader, "connectionModes", HttpTestSpec.ConnectionModeNames);
        var loadModes = ReadChoices(map, reader, "modes", HttpTestSpec.LoadModeNames);
        var topologies = ReadTopologies(map, reader, "http", lab);
        return new TestSpec
        {
            Test = "http",
            Duration = duration,
            Warmup = warmup,
            Topologies = topologies.Count > 0
                ? topologies.Distinct().ToList()
                : [.. new TestSpec { Test = "http" }.Topologies.Where(t => t != Measurements.Topologies.SameNode || lab.PodsPerNode >= 2)],
            Repetitions = YamlNodeReader.Get(map, "repetitions") is { } rn ? reader.Int(rn, "http.repetitions", 1, 1000) : null,
            Http = http with
            {
                PayloadsBytes = payloads.Count > 0 ? payloads.Distinct().ToList() : http.PayloadsBytes,
                Connections = connections,
                Threads = threads,
                ConnectionModes = connectionModes.Count > 0 ? connectionModes : http.ConnectionModes,
                LoadModes = loadModes.Count > 0 ? loadModes : http.LoadModes,
            },
        };
    }

    /// <summary>wrk's -d in whole seconds; shorter than iperf3's default because every variant also pays for a server start.</summary>
    private static readonly TimeSpan HttpDefaultDuration = TimeSpan.FromSeconds(5);

    private static List<string> ReadChoices(YamlMappingNode map, YamlNodeReader reader, string key, IReadOnlyList<string> allowed)
    {
        var chosen = new List<string>();
        if (YamlNodeReader.Get(map, key) is not { } node)
        {
            return chosen;
        }

        foreach (var item in reader.List(node, $"http.{key}"))
        {
            if (reader.String(item, $"an http.{key} entry") is not { } value)
            {
                continue;
            }

            if (!allowed.Contains(value, StringComparer.Ordinal))
            {
                reader.Error(item, $"unknown http.{key} entry '{value}'; expected one of: {string.Join(", ", allowed)}");
            }
            else if (!chosen.Contains(value, StringComparer.Ordinal))
            {
                chosen.Add(value);
            }
        }

        return chosen;
    }

    /// <summary>
    /// Load through each ingress controller (one variant each, plus <c>direct</c>), then churn; whole seconds for wrk.
    /// The lab runs CniBench's own dataplanes (yarp, nginx, haproxy); a real cluster runs catalog controllers, which
    /// must be named since each is an install.
    /// </summary>
    private TestSpec ReadIngressTest(YamlMappingNode map, YamlNodeReader reader, string provider)
    {
        reader.CheckKeys(map, "test 'ingress'", IngressKeys);
        var ingress = new IngressTestSpec();
        TimeSpan WholeSeconds(string key, TimeSpan min, TimeSpan max, TimeSpan fallback)
        {
            if (YamlNodeReader.Get(map, key) is not { } node)
            {
                return fallback;
            }

            var value = reader.Duration(node, $"ingress.{key}", min, max) ?? fallback;
            if (value.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                reader.Error(node, $"ingress.{key} must be whole seconds (wrk's -d has no finer unit)");
            }

            return value;
        }

        var duration = WholeSeconds("duration", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), TimeSpan.FromSeconds(3));
        var warmup = WholeSeconds("warmup", TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        var churn = WholeSeconds("churn", TimeSpan.Zero, TimeSpan.FromMinutes(10), ingress.Churn);
        if (churn > TimeSpan.Zero && churn < TimeSpan.FromSeconds(4))
        {
            // Three changes need room between them for their effect to show in a slice of its own.
            reader.Error(YamlNodeReader.Get(map, "churn")!, "ingress.churn must be 0 (no churn phase) or at least 4s");
        }

        var onCluster = provider == "kubernetes";
        IReadOnlyList<string> allowed = onCluster ? [.. IngressControllers.Order(StringComparer.Ordinal)] : IngressTestSpec.ControllerNames;
        var controllers = new List<string>();
        if (onCluster && YamlNodeReader.Get(map, "controllers") is null)
        {
            reader.Error(map, $"test 'ingress' on provider: kubernetes needs 'controllers:', naming catalog controllers to install and load (each is an install); the catalog has: {string.Join(", ", allowed)}");
        }

        if (YamlNodeReader.Get(map, "controllers") is { } cn)
        {
            foreach (var item in reader.List(cn, "ingress.controllers"))
            {
                if (reader.String(item, "an ingress.controllers entry") is not { } name)
                {
                    continue;
                }

                if (!allowed.Contains(name, StringComparer.Ordinal))
                {
                    reader.Error(item, onCluster
                        ? $"unknown ingress controller '{name}' for provider: kubernetes; the catalog (manifests/ingress/) has: {string.Join(", ", allowed)}"
                        : $"unknown ingress controller '{name}'; expected one of: {string.Join(", ", allowed)}" +
                          (IngressControllers.Contains(name, StringComparer.Ordinal) ? $" ('{name}' is a Kubernetes catalog controller: it runs with provider: kubernetes)" : ""));
                }
                else if (!controllers.Contains(name, StringComparer.Ordinal))
                {
                    controllers.Add(name);
                }
            }
        }

        var payload = ingress.PayloadBytes;
        if (YamlNodeReader.Get(map, "payload") is { } pn)
        {
            if (pn is YamlScalarNode { Value: { } text } && Quantities.TryParseSize(text, out var bytes) && bytes <= 1L << 30)
            {
                payload = bytes;
            }
            else
            {
                reader.Error(pn, "ingress.payload must be a response size such as 1KiB or 100KiB (binary units, at most 1GiB)");
            }
        }

        var mode = ingress.ConnectionMode;
        if (YamlNodeReader.Get(map, "connectionMode") is { } mn && reader.String(mn, "ingress.connectionMode") is { } modeText)
        {
            if (HttpTestSpec.ConnectionModeNames.Contains(modeText, StringComparer.Ordinal))
            {
                mode = modeText;
            }
            else
            {
                reader.Error(mn, $"unknown ingress.connectionMode '{modeText}'; expected one of: {string.Join(", ", HttpTestSpec.ConnectionModeNames)}");
            }
        }

        var connections = YamlNodeReader.Get(map, "connections") is { } con ? reader.Int(con, "ingress.connections", 1, 10000) ?? ingress.Connections : ingress.Connections;
        var threads = YamlNodeReader.Get(map, "threads") is { } tn ? reader.Int(tn, "ingress.threads", 1, 64) ?? ingress.Threads : ingress.Threads;
        if (threads > connections)
        {
            reader.Error(YamlNodeReader.Get(map, "threads") ?? map, $"ingress.threads ({threads}) must not exceed ingress.connections ({connections})");
        }

        return new TestSpec
        {
            Test = "ingress",
            Duration = duration,
            Warmup = warmup,
            Topologies = [Measurements.Topologies.Ingress],
            Repetitions = YamlNodeReader.Get(map, "repetitions") is { } rn ? reader.Int(rn, "ingress.repetitions", 1, 1000) : null,
            Ingress = ingress with
            {
                Controllers = YamlNodeReader.Get(map, "controllers") is null ? ingress.Controllers : controllers,
                IncludeDirect = YamlNodeReader.Get(map, "direct") is { } dn ? reader.Bool(dn, "ingress.direct") ?? true : true,
                PayloadBytes = payload,
                ConnectionMode = mode,
                Connections = connections,
                Threads = threads,
                Churn = churn,
                Tls = YamlNodeReader.Get(map, "tls") is { } tlsNode && (reader.Bool(tlsNode, "ingress.tls") ?? false),
            },
        };
    }

    /// <summary>
    /// A relative folder as the scenario names it: from the folder cnibench runs in when it is there, else from the
    /// checkout that holds the scenario (the parent of its scenarios/ folder), so a shipped scenario works from anywhere.
    /// </summary>
    private static string ResolveFolder(string folder, string scenarioFile)
    {
        if (Path.IsPathRooted(folder) || Directory.Exists(folder) || !System.IO.File.Exists(scenarioFile))
        {
            return folder;
        }

        var checkout = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(scenarioFile)));
        return checkout is not null && Directory.Exists(Path.Combine(checkout, folder)) ? Path.Combine(checkout, folder) : folder;
    }

    private static TestSpec ReadNetpolTest(YamlMappingNode map, YamlNodeReader reader)
    {
        reader.CheckKeys(map, "test 'netpol'", NetpolKeys);
        var netpol = new NetpolTestSpec();
        var suite = ResolveFolder(YamlNodeReader.Get(map, "suite") is { } sn ? reader.String(sn, "netpol.suite") ?? netpol.Suite : netpol.Suite, reader.File);
        var available = Directory.Exists(suite)
            ? Directory.GetFiles(suite, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        if (available.Count == 0)
        {
            reader.Error(YamlNodeReader.Get(map, "suite") ?? map, $"netpol.suite '{suite}' has no case files (*.yaml); paths are relative to the folder cnibench runs in, or to the checkout holding the scenario");
        }

        var cases = new List<string>();
        if (YamlNodeReader.Get(map, "cases") is { } cn)
        {
            foreach (var item in reader.List(cn, "netpol.cases"))
            {
                if (reader.String(item, "a case name") is not { } name)
                {
                    continue;
                }

                if (available.Count > 0 && !available.Contains(name, StringComparer.Ordinal))
                {
                    reader.Error(item, $"unknown case '{name}': no {name}.yaml in {suite}");
                }
                else
                {
                    cases.Add(name);
                }
            }
        }

        string? model = null;
        if (YamlNodeReader.Get(map, "model") is { } mn && reader.String(mn, "netpol.model") is { } path)
        {
            if (!File.Exists(path))
            {
                reader.Error(mn, $"netpol.model '{path}' does not exist; paths are relative to the folder cnibench runs in");
            }

            model = path;
        }

        var self = false;
        if (YamlNodeReader.Get(map, "selfTraffic") is { } stn && reader.String(stn, "netpol.selfTraffic") is { } mode)
        {
            if (mode is not ("grade" or "ignore"))
            {
                reader.Error(stn, "netpol.selfTraffic must be 'ignore' (default, as upstream) or 'grade'");
            }

            self = mode == "grade";
        }

        return new TestSpec
        {
            Test = "netpol",
            Topologies = [Measurements.Topologies.PodToPod],
            Repetitions = YamlNodeReader.Get(map, "repetitions") is { } rn ? reader.Int(rn, "netpol.repetitions", 1, 1000) : null,
            Netpol = netpol with
            {
                Suite = suite,
                Cases = cases.Count > 0 ? cases : available,
                Model = model,
                ProbeTimeout = YamlNodeReader.Get(map, "probeTimeout") is { } pt
                    ? reader.Duration(pt, "netpol.probeTimeout", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30)) ?? netpol.ProbeTimeout
                    : netpol.ProbeTimeout,
                Samples = YamlNodeReader.Get(map, "samples") is { } sm ? reader.Int(sm, "netpol.samples", 1, 20) ?? netpol.Samples : netpol.Samples,
                GradeSelfTraffic = self,
            },
        };
    }
}
