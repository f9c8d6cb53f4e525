using CniBench.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Scenarios;

/// <summary>
/// Turns scenario YAML into a validated <see cref="ScenarioSpec"/>. Every error is collected and
/// reported together with file, line and column; nothing is created when any is found. The files a
/// scenario names are looked up through <paramref name="files"/>: Core itself reads nothing from disk.
/// </summary>
public sealed class ScenarioLoader(IReadOnlySet<string> knownCnis, IScenarioFiles files)
{
    /// <summary>
    /// The controllers of the Kubernetes ingress catalog (manifests/ingress/*.yaml). On the kubernetes provider the
    /// ingress test's <c>controllers:</c> name these; on the lab they name the dataplanes CniBench runs itself.
    /// </summary>
    public IReadOnlyCollection<string> IngressControllers { get; init; } = [];

    public static IReadOnlyList<string> Providers { get; } = ["lab", "kubernetes"];

    public static IReadOnlyList<string> KnownTests { get; } = ["tcp", "udp", "netpol", "mtu", "http", "ingress", Latency.LatencyTestSpec.Rr, Latency.LatencyTestSpec.Crr];

    /// <summary>Reads the scenario file through the loader's <see cref="IScenarioFiles"/>, then <see cref="Load"/>s it.</summary>
    public ScenarioSpec LoadFile(string path) =>
        files.ReadText(path) is { } yaml
            ? Load(yaml, path)
            : throw new ScenarioException([new InputError(path, 0, 0, "no such scenario file (scenarios live in scenarios/*.yaml)")]);

    public ScenarioSpec Load(string yaml, string file)
    {
        var errors = new List<InputError>();
        var root = YamlMap.Document(yaml, file, errors);
        var spec = root is null ? null : ReadScenario(root, file);
        if (errors.Count > 0 || spec is null)
        {
            throw new ScenarioException([.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return spec;
    }

    private ScenarioSpec? ReadScenario(YamlMap root, string file)
    {
        var defaults = new ScenarioSpec { Name = "", Cnis = [], Tests = [] };
        var nameValue = root.Value("name");
        if (nameValue is null)
        {
            root.Error("missing 'name': every scenario needs a name (it is recorded in run.json and the report)");
        }

        var name = nameValue?.String();
        var description = root.String("description", required: false) ?? "";
        var provider = defaults.Provider;
        if (root.Value("provider") is { } providerValue && providerValue.String() is { } p)
        {
            if (!Providers.Contains(p, StringComparer.Ordinal))
            {
                providerValue.Error($"unknown provider '{p}'; expected one of: {string.Join(", ", Providers)}");
            }

            provider = p;
        }

        var cnis = ReadCnis(root);
        var underlay = root.Bool("underlay", required: false) ?? defaults.Underlay;
        var repetitions = root.Int("repetitions", required: false, min: 1, max: 1000) ?? defaults.Repetitions;
        var lab = root.Map("lab", required: false) is { } labMap ? ReadLab(labMap) : new LabSpec();
        var tests = ReadTests(root, lab, provider, file);
        var kubernetes = root.Map("kubernetes", required: false) is { } kubernetesMap ? ReadKubernetes(kubernetesMap, cnis) : null;
        if (provider == "kubernetes" && kubernetes is null)
        {
            root.Error("provider: kubernetes needs a 'kubernetes:' section naming a cluster (context or provision command) for each CNI");
        }

        root.Finish();
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

    private static KubernetesSpec ReadKubernetes(YamlMap map, List<string> cnis)
    {
        var spec = new KubernetesSpec();
        var images = spec.Images;
        if (map.Map("images", required: false) is { } imagesMap)
        {
            images = images with
            {
                Iperf3 = imagesMap.String("iperf3", required: false) ?? images.Iperf3,
                Agnhost = imagesMap.String("agnhost", required: false) ?? images.Agnhost,
                YarpIngress = imagesMap.String("yarpIngress", required: false) ?? images.YarpIngress,
            };
            imagesMap.Finish();
        }

        var clusters = new Dictionary<string, KubernetesClusterSpec>(StringComparer.Ordinal);
        foreach (var (cni, key, value) in map.Entries("clusters", required: false) ?? [])
        {
            if (!cnis.Contains(cni, StringComparer.Ordinal) && cni != Measurements.Underlay.Name)
            {
                key.Error($"kubernetes.clusters has '{cni}', which is not in cnis: [{string.Join(", ", cnis)}] (nor '{Measurements.Underlay.Name}', the optional cluster for the baseline)");
                continue;
            }

            if (value.Map() is not { } clusterMap)
            {
                continue;
            }

            var cluster = new KubernetesClusterSpec
            {
                Context = clusterMap.String("context", required: false),
                Disposable = clusterMap.Bool("disposable", required: false) ?? false,
                Provision = clusterMap.String("provision", required: false),
                Destroy = clusterMap.String("destroy", required: false),
            };
            clusterMap.Finish();
            if (cluster.Context is null && cluster.Provision is null)
            {
                clusterMap.Error($"kubernetes.clusters.{cni} needs a 'context' (an existing cluster) or a 'provision' command");
            }

            if (cluster.Provision is not null && cluster.Destroy is null)
            {
                clusterMap.Error($"kubernetes.clusters.{cni} has 'provision' but no 'destroy': a cluster CniBench creates must be removable");
            }

            clusters[cni] = cluster;
        }

        foreach (var missing in cnis.Where(c => !clusters.ContainsKey(c)))
        {
            map.Error($"kubernetes.clusters has no entry for CNI '{missing}' (one cluster per CNI)");
        }

        var kubernetes = spec with
        {
            Kubeconfig = map.String("kubeconfig", required: false),
            ReadyTimeout = Duration(map.Value("readyTimeout"), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)) ?? spec.ReadyTimeout,
            Images = images,
            Clusters = clusters,
        };
        map.Finish();
        return kubernetes;
    }

    /// <summary>Durations read as scenario files write them (10s, 500ms, 2m), within a range.</summary>
    /// <summary>
    /// A duration that a tool takes in whole seconds (iperf3's -t and -O, wrk's -d), or <paramref name="fallback"/> when
    /// the key is absent; a fraction is an error at the key, naming the test, the key and the tool.
    /// </summary>
    internal static TimeSpan WholeSeconds(YamlMap map, string test, string key, string tool, TimeSpan min, TimeSpan max, TimeSpan fallback)
    {
        var node = map.Value(key);
        var value = Duration(node, min, max) ?? fallback;
        if (node is not null && !Quantities.IsWholeSeconds(value))
        {
            node.Error($"{test}.{key} must be whole seconds ({tool} has no finer unit)");
        }

        return value;
    }

    private static TimeSpan? Duration(YamlValue? value, TimeSpan min, TimeSpan max) => value?.Scalar(
        $"a duration from {min.TotalSeconds:0.###}s to {max.TotalSeconds:0.###}s such as 10s, 500ms or 2m",
        text => Quantities.TryParseDuration(text, out var duration) && duration >= min && duration <= max ? duration : (TimeSpan?)null);

    private List<string> ReadCnis(YamlMap root)
    {
        var cnis = new List<string>();
        if (root.Value("cnis") is not { } cnisValue)
        {
            root.Error($"missing 'cnis': list the CNIs to benchmark, e.g. cnis: [{string.Join(", ", knownCnis.Order())}]");
            return cnis;
        }

        foreach (var item in cnisValue.Items())
        {
            if (item.String() is not { } cni)
            {
                continue;
            }

            if (!knownCnis.Contains(cni))
            {
                item.Error(UnknownCni(cni));
            }
            else if (cnis.Contains(cni))
            {
                item.Error($"CNI '{cni}' is listed twice");
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

    private static LabSpec ReadLab(YamlMap map)
    {
        var lab = new LabSpec();
        lab = lab with
        {
            Nodes = map.Int("nodes", required: false, min: 2, max: 50) ?? lab.Nodes,
            PodsPerNode = map.Int("podsPerNode", required: false, min: 1, max: 50) ?? lab.PodsPerNode,
            Mtu = map.Int("mtu", required: false, min: 1280, max: 9000) ?? lab.Mtu,
        };
        map.Finish();
        return lab;
    }

    private List<TestSpec> ReadTests(YamlMap root, LabSpec lab, string provider, string file)
    {
        var tests = new List<TestSpec>();
        if (root.Value("tests") is not { } testsValue)
        {
            root.Error("missing 'tests': list at least one test, e.g. tests: [{test: tcp, duration: 10s}]");
            return tests;
        }

        if (testsValue.Node is not YamlSequenceNode { Children.Count: > 0 })
        {
            testsValue.Error("tests must be a non-empty list of mappings, each starting with 'test: <name>'");
            return tests;
        }

        foreach (var item in testsValue.List()!)
        {
            if (item.Map() is { } map && ReadTest(map, lab, provider, file) is { } test)
            {
                tests.Add(test);
            }
        }

        return tests;
    }

    private TestSpec? ReadTest(YamlMap map, LabSpec lab, string provider, string file)
    {
        if (map.Value("test") is not { } kindValue)
        {
            map.Error($"a test needs 'test: <name>'; known tests: {string.Join(", ", KnownTests)}");
            return null;
        }

        var kind = kindValue.String();
        if (kind is null || !KnownTests.Contains(kind, StringComparer.Ordinal))
        {
            if (kind is not null)
            {
                kindValue.Error($"unknown test '{kind}'; known tests: {string.Join(", ", KnownTests)}");
            }

            return null;
        }

        // A test's fields are named after its kind (tcp.duration), which says more than its place in the list.
        map = map.As(kind);
        var test = kind switch
        {
            "netpol" => ReadNetpolTest(map, file),
            "mtu" => ReadMtuTest(map, lab),
            "http" => ReadHttpTest(map, lab),
            "ingress" => ReadIngressTest(map, provider),
            Latency.LatencyTestSpec.Rr or Latency.LatencyTestSpec.Crr => Latency.LatencySpecReader.Read(map, kind, lab),
            _ => ReadIperfTest(map, kind, lab),
        };
        map.Finish();
        return test;
    }

    /// <summary>tcp and udp: iperf3 runs, one variant per stream count (and per bitrate for udp).</summary>
    private static TestSpec ReadIperfTest(YamlMap map, string kind, LabSpec lab)
    {
        var spec = new TestSpec { Test = kind };
        var duration = WholeSeconds(map, kind, "duration", "iperf3's -t", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), spec.Duration);
        var warmup = WholeSeconds(map, kind, "warmup", "iperf3's -O", TimeSpan.Zero, TimeSpan.FromMinutes(10), spec.Warmup);

        var streams = new List<int>();
        foreach (var item in map.Value("streams")?.Items() ?? [])
        {
            if (item.Int(1, 128) is { } s)
            {
                streams.Add(s);
            }
        }

        var bitrates = new List<long>();
        UdpCapacitySpec? capacity = null;
        if (kind == "udp")
        {
            if (map.Value("bitrate") is { } bitrate)
            {
                foreach (var item in bitrate.Items())
                {
                    if (item.Text == UdpCapacitySpec.VariantName)
                    {
                        capacity = new UdpCapacitySpec();
                    }
                    else if (item.Text is { } text && Quantities.TryParseBitrate(text, out var bps))
                    {
                        bitrates.Add(bps);
                    }
                    else
                    {
                        item.Error("udp.bitrate must be a target rate such as 100M, 1G or 2.5G (bit/s, decimal units), or 'capacity' (search the highest rate under the loss bound)");
                    }
                }
            }
            else
            {
                map.Error("udp needs 'bitrate', a target send rate such as 1G or 'capacity': unlimited UDP measures only loss");
            }

            if (map.Value("lossBound") is { } bound)
            {
                if (capacity is null)
                {
                    bound.Error("udp.lossBound applies only to 'bitrate: capacity'");
                }
                else if (bound.Text is { } text && TryParsePercent(text, out var percent) && percent is > 0 and <= 50)
                {
                    capacity = capacity with { LossBoundPercent = percent };
                }
                else
                {
                    bound.Error("udp.lossBound must be a loss percentage above 0 and at most 50, such as 1% or 0.5%");
                }
            }
        }

        long? payload = null;
        if (kind == "udp" && map.Value("payload") is { } payloadValue)
        {
            if (payloadValue.Text is { } text && Quantities.TryParseSize(text, out var bytes) && bytes is >= UdpMinPayloadBytes and <= UdpMaxPayloadBytes)
            {
                payload = bytes;
            }
            else
            {
                payloadValue.Error($"udp.payload must be a datagram payload from {UdpMinPayloadBytes}B to {UdpMaxPayloadBytes}B such as 64B (the small-packet rate) or 1KiB");
            }
        }

        var topologies = ReadTopologies(map, kind, lab);
        return spec with
        {
            UdpPayloadBytes = payload,
            Duration = duration,
            Warmup = warmup,
            Streams = streams.Count > 0 ? streams.Distinct().ToList() : spec.Streams,
            BitratesBps = bitrates.Distinct().ToList(),
            UdpCapacity = capacity,
            Topologies = topologies.Count > 0 ? topologies.Distinct().ToList() : [.. spec.Topologies.Where(t => t != Measurements.Topologies.SameNode || lab.PodsPerNode >= 2)],
            Repetitions = map.Int("repetitions", required: false, min: 1, max: 1000),
        };
    }

    /// <summary>iperf3's UDP header (sequence number and timestamp) needs 16 bytes; one datagram carries at most 65000 here.</summary>
    private const long UdpMinPayloadBytes = 16;

    private const long UdpMaxPayloadBytes = 65000;

    private static bool TryParsePercent(string text, out double percent) =>
        double.TryParse(text.Trim().TrimEnd('%'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out percent);

    internal static List<string> ReadTopologies(YamlMap map, string kind, LabSpec lab, IReadOnlyList<string>? allowed = null)
    {
        allowed ??= Measurements.Topologies.All;
        var topologies = new List<string>();
        foreach (var item in map.Value("topologies")?.Items() ?? [])
        {
            if (item.String() is not { } topology)
            {
                continue;
            }

            if (!allowed.Contains(topology, StringComparer.Ordinal))
            {
                item.Error($"unknown topology '{topology}' for {kind}; expected one of: {string.Join(", ", allowed)}");
            }
            else if (topology == Measurements.Topologies.SameNode && lab.PodsPerNode < 2)
            {
                item.Error("same-node needs lab.podsPerNode of 2 or more");
            }
            else
            {
                topologies.Add(topology);
            }
        }

        return topologies;
    }

    /// <summary>The path MTU matters where packets leave the node, so cross-node is the default.</summary>
    private static TestSpec ReadMtuTest(YamlMap map, LabSpec lab)
    {
        // A path MTU is a property of the pod-to-pod path; a Service adds no hop of its own.
        var topologies = ReadTopologies(map, "mtu", lab, [Measurements.Topologies.SameNode, Measurements.Topologies.CrossNode]);
        return new TestSpec
        {
            Test = "mtu",
            Topologies = topologies.Count > 0 ? topologies.Distinct().ToList() : [Measurements.Topologies.CrossNode],
            Repetitions = map.Int("repetitions", required: false, min: 1, max: 1000),
        };
    }

    /// <summary>HTTP load: nginx serves fixed payloads, wrk loads them; every list is one axis of the variant matrix.</summary>
    private static TestSpec ReadHttpTest(YamlMap map, LabSpec lab)
    {
        var http = new HttpTestSpec();
        var duration = WholeSeconds(map, "http", "duration", "wrk's -d", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), HttpDefaultDuration);
        var warmup = WholeSeconds(map, "http", "warmup", "wrk's -d", TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));

        var payloads = new List<long>();
        foreach (var item in map.Value("payloads")?.Items() ?? [])
        {
            if (item.Text is { } text && Quantities.TryParseSize(text, out var bytes) && bytes <= 1L << 30)
            {
                payloads.Add(bytes);
            }
            else
            {
                item.Error("http.payloads must be response sizes such as 1KiB, 100KiB or 1MiB (binary units, at most 1GiB)");
            }
        }

        var connections = map.Int("connections", required: false, min: 1, max: 10000) ?? http.Connections;
        var threads = map.Int("threads", required: false, min: 1, max: 64) ?? http.Threads;
        if (threads > connections)
        {
            // wrk refuses fewer connections than threads: each thread needs at least one.
            map.Error(map.NodeOf("threads"), $"http.threads ({threads}) must not exceed http.connections ({connections})");
        }

        var connectionModes = ReadChoices(map, "connectionModes", HttpTestSpec.ConnectionModeNames);
        var loadModes = ReadChoices(map, "modes", HttpTestSpec.LoadModeNames);
        var topologies = ReadTopologies(map, "http", lab);
        return new TestSpec
        {
            Test = "http",
            Duration = duration,
            Warmup = warmup,
            Topologies = topologies.Count > 0
                ? topologies.Distinct().ToList()
                : [.. new TestSpec { Test = "http" }.Topologies.Where(t => t != Measurements.Topologies.SameNode || lab.PodsPerNode >= 2)],
            Repetitions = map.Int("repetitions", required: false, min: 1, max: 1000),
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

    private static List<string> ReadChoices(YamlMap map, string key, IReadOnlyList<string> allowed)
    {
        var chosen = new List<string>();
        foreach (var item in map.Value(key)?.Items() ?? [])
        {
            if (item.String() is not { } value)
            {
                continue;
            }

            if (!allowed.Contains(value, StringComparer.Ordinal))
            {
                item.Error($"unknown http.{key} entry '{value}'; expected one of: {string.Join(", ", allowed)}");
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
    private TestSpec ReadIngressTest(YamlMap map, string provider)
    {
        var ingress = new IngressTestSpec();
        var duration = WholeSeconds(map, "ingress", "duration", "wrk's -d", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), TimeSpan.FromSeconds(3));
        var warmup = WholeSeconds(map, "ingress", "warmup", "wrk's -d", TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        var churn = WholeSeconds(map, "ingress", "churn", "wrk's -d", TimeSpan.Zero, TimeSpan.FromMinutes(10), ingress.Churn);
        if (churn > TimeSpan.Zero && churn < TimeSpan.FromSeconds(4))
        {
            // Three changes need room between them for their effect to show in a slice of its own.
            map.Error(map.NodeOf("churn"), "ingress.churn must be 0 (no churn phase) or at least 4s");
        }

        var onCluster = provider == "kubernetes";
        IReadOnlyList<string> allowed = onCluster ? [.. IngressControllers.Order(StringComparer.Ordinal)] : IngressTestSpec.ControllerNames;
        var controllers = new List<string>();
        var controllersValue = map.Value("controllers");
        if (onCluster && controllersValue is null)
        {
            map.Error($"test 'ingress' on provider: kubernetes needs 'controllers:', naming catalog controllers to install and load (each is an install); the catalog has: {string.Join(", ", allowed)}");
        }

        foreach (var item in controllersValue?.Items() ?? [])
        {
            if (item.String() is not { } name)
            {
                continue;
            }

            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                item.Error(onCluster
                    ? $"unknown ingress controller '{name}' for provider: kubernetes; the catalog (manifests/ingress/) has: {string.Join(", ", allowed)}"
                    : $"unknown ingress controller '{name}'; expected one of: {string.Join(", ", allowed)}" +
                      (IngressControllers.Contains(name, StringComparer.Ordinal) ? $" ('{name}' is a Kubernetes catalog controller: it runs with provider: kubernetes)" : ""));
            }
            else if (!controllers.Contains(name, StringComparer.Ordinal))
            {
                controllers.Add(name);
            }
        }

        var payload = ingress.PayloadBytes;
        if (map.Value("payload") is { } payloadValue)
        {
            if (payloadValue.Text is { } text && Quantities.TryParseSize(text, out var bytes) && bytes <= 1L << 30)
            {
                payload = bytes;
            }
            else
            {
                payloadValue.Error("ingress.payload must be a response size such as 1KiB or 100KiB (binary units, at most 1GiB)");
            }
        }

        var mode = ingress.ConnectionMode;
        if (map.Value("connectionMode") is { } modeValue && modeValue.String() is { } modeText)
        {
            if (HttpTestSpec.ConnectionModeNames.Contains(modeText, StringComparer.Ordinal))
            {
                mode = modeText;
            }
            else
            {
                modeValue.Error($"unknown ingress.connectionMode '{modeText}'; expected one of: {string.Join(", ", HttpTestSpec.ConnectionModeNames)}");
            }
        }

        var connections = map.Int("connections", required: false, min: 1, max: 10000) ?? ingress.Connections;
        var threads = map.Int("threads", required: false, min: 1, max: 64) ?? ingress.Threads;
        if (threads > connections)
        {
            map.Error(map.NodeOf("threads"), $"ingress.threads ({threads}) must not exceed ingress.connections ({connections})");
        }

        return new TestSpec
        {
            Test = "ingress",
            Duration = duration,
            Warmup = warmup,
            Topologies = [Measurements.Topologies.Ingress],
            Repetitions = map.Int("repetitions", required: false, min: 1, max: 1000),
            Ingress = ingress with
            {
                Controllers = controllersValue is null ? ingress.Controllers : controllers,
                IncludeDirect = map.Bool("direct", required: false) ?? true,
                PayloadBytes = payload,
                ConnectionMode = mode,
                Connections = connections,
                Threads = threads,
                Churn = churn,
                Tls = map.Bool("tls", required: false) ?? false,
            },
        };
    }

    /// <summary>
    /// A relative folder as the scenario names it: from the folder cnibench runs in when it is there, else from the
    /// checkout that holds the scenario (the parent of its scenarios/ folder), so a shipped scenario works from anywhere.
    /// </summary>
    private string ResolveFolder(string folder, string scenarioFile)
    {
        if (Path.IsPathRooted(folder) || files.DirectoryExists(folder) || !files.FileExists(scenarioFile))
        {
            return folder;
        }

        var checkout = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(scenarioFile)));
        return checkout is not null && files.DirectoryExists(Path.Combine(checkout, folder)) ? Path.Combine(checkout, folder) : folder;
    }

    private TestSpec ReadNetpolTest(YamlMap map, string file)
    {
        var netpol = new NetpolTestSpec();
        var suite = ResolveFolder(map.String("suite", required: false) ?? netpol.Suite, file);
        var available = files.YamlFileStems(suite);
        if (available.Count == 0)
        {
            map.Error(map.NodeOf("suite"), $"netpol.suite '{suite}' has no case files (*.yaml); paths are relative to the folder cnibench runs in, or to the checkout holding the scenario");
        }

        var cases = new List<string>();
        foreach (var item in map.Value("cases")?.Items() ?? [])
        {
            if (item.String() is not { } name)
            {
                continue;
            }

            if (available.Count > 0 && !available.Contains(name, StringComparer.Ordinal))
            {
                item.Error($"unknown case '{name}': no {name}.yaml in {suite}");
            }
            else
            {
                cases.Add(name);
            }
        }

        string? model = null;
        if (map.Value("model") is { } modelValue && modelValue.String() is { } path)
        {
            if (!files.FileExists(path))
            {
                modelValue.Error($"netpol.model '{path}' does not exist; paths are relative to the folder cnibench runs in");
            }

            model = path;
        }

        var self = false;
        if (map.Value("selfTraffic") is { } selfValue && selfValue.String() is { } mode)
        {
            if (mode is not ("grade" or "ignore"))
            {
                selfValue.Error("netpol.selfTraffic must be 'ignore' (default, as upstream) or 'grade'");
            }

            self = mode == "grade";
        }

        return new TestSpec
        {
            Test = "netpol",
            Topologies = [Measurements.Topologies.PodToPod],
            Repetitions = map.Int("repetitions", required: false, min: 1, max: 1000),
            Netpol = netpol with
            {
                Suite = suite,
                Cases = cases.Count > 0 ? cases : available,
                Model = model,
                ProbeTimeout = Duration(map.Value("probeTimeout"), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30)) ?? netpol.ProbeTimeout,
                Samples = map.Int("samples", required: false, min: 1, max: 20) ?? netpol.Samples,
                GradeSelfTraffic = self,
            },
        };
    }
}
