using CniBench.Core.Kinds;
using CniBench.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Scenarios;

/// <summary>
/// Turns scenario YAML into a validated <see cref="ScenarioSpec"/>. Every error is collected and reported together
/// with file, line and column; nothing is created when any is found. This reads what a scenario says as a whole; each
/// test entry is read by the kind it names, from <paramref name="kinds"/>. Command-line overrides are applied to the
/// values before the rules check them. The files a scenario names are looked up through <paramref name="files"/>:
/// Core itself reads nothing from disk.
/// </summary>
public sealed class ScenarioLoader(IReadOnlyList<ITestKindDefinition> kinds, IReadOnlySet<string> knownCnis, IScenarioFiles files)
{
    /// <summary>
    /// The controllers of the Kubernetes ingress catalog (manifests/ingress/*.yaml). On the kubernetes provider the
    /// ingress test's <c>controllers:</c> name these; on the lab they name the dataplanes CniBench runs itself.
    /// </summary>
    public IReadOnlyCollection<string> IngressControllers { get; init; } = [];

    public static IReadOnlyList<string> Providers { get; } = ["lab", "kubernetes"];

    /// <summary>The names a test entry can have, in the order the kinds are registered.</summary>
    public IReadOnlyList<string> KnownTests { get; } = [.. kinds.Select(k => k.Name)];

    /// <summary>Reads the scenario file through the loader's <see cref="IScenarioFiles"/>, then <see cref="Load"/>s it.</summary>
    public ScenarioSpec LoadFile(string path, ScenarioOverrides? overrides = null) =>
        files.ReadText(path) is { } yaml
            ? Load(yaml, path, overrides)
            : throw new ScenarioException([new InputError(path, 0, 0, "no such scenario file (scenarios live in scenarios/*.yaml)")]);

    public ScenarioSpec Load(string yaml, string file, ScenarioOverrides? overrides = null)
    {
        var errors = new List<InputError>();
        var root = YamlMap.Document(yaml, file, errors);
        var spec = root is null ? null : ReadScenario(root, file, overrides ?? new ScenarioOverrides(), errors);
        if (errors.Count > 0 || spec is null)
        {
            // An option checked once per test (--duration) reports the same error once.
            throw new ScenarioException([.. errors.Distinct().OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return spec;
    }

    private ScenarioSpec? ReadScenario(YamlMap root, string file, ScenarioOverrides overrides, List<InputError> errors)
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

        var (fileCnis, cnis) = ReadCnis(root, overrides, errors);
        var underlay = root.Bool("underlay", required: false) ?? defaults.Underlay;
        var repetitions = ReadRepetitions(root, overrides, errors) ?? defaults.Repetitions;
        var lab = root.Map("lab", required: false) is { } labMap ? ReadLab(labMap) : new LabSpec();
        var context = new ScenarioContext(lab, provider, file, files, IngressControllers, overrides, errors);
        var tests = ReadTests(root, context);
        var kubernetes = root.Map("kubernetes", required: false) is { } kubernetesMap ? ReadKubernetes(kubernetesMap, fileCnis) : null;
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

    /// <summary>The scenario's repetitions; <c>--repetitions</c> (or <c>--quick</c>: 1) replaces them, checked by the same range.</summary>
    private static int? ReadRepetitions(YamlMap root, ScenarioOverrides overrides, List<InputError> errors)
    {
        var value = root.Int("repetitions", required: false, min: 1, max: ScenarioValues.MaxRepetitions);
        if (overrides.EffectiveRepetitions is not { } given)
        {
            return value;
        }

        var option = new YamlScalarNode(given.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return YamlValue.Option(overrides.RepetitionsOption, "repetitions", option, errors).Int(1, ScenarioValues.MaxRepetitions);
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
            ReadyTimeout = map.Value("readyTimeout")?.Duration(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)) ?? spec.ReadyTimeout,
            Images = images,
            Clusters = clusters,
        };
        map.Finish();
        return kubernetes;
    }

    /// <summary>
    /// The CNIs to benchmark: the file's <c>cnis</c>, checked; <c>--cni</c> replaces them and is checked by the same
    /// rule, its errors naming the option. Returns the file's list too, which the kubernetes section is checked against.
    /// </summary>
    private (List<string> File, List<string> Effective) ReadCnis(YamlMap root, ScenarioOverrides overrides, List<InputError> errors)
    {
        List<string> fromFile = [];
        if (root.Value("cnis") is not { } cnisValue)
        {
            root.Error($"missing 'cnis': list the CNIs to benchmark, e.g. cnis: [{string.Join(", ", knownCnis.Order())}]");
        }
        else
        {
            fromFile = CheckCnis(cnisValue);
        }

        if (overrides.Cnis is not { } given)
        {
            return (fromFile, fromFile);
        }

        var option = new YamlSequenceNode(given.Select(c => new YamlScalarNode(c)));
        return (fromFile, CheckCnis(YamlValue.Option("--cni", "cnis", option, errors)));
    }

    private List<string> CheckCnis(YamlValue cnisValue)
    {
        var cnis = new List<string>();
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
            CpuPinning = map.Enum("cpuPinning", required: false, PinningModes) ?? lab.CpuPinning,
            ToolNice = map.Int("toolNice", required: false, min: -20, max: 19) ?? lab.ToolNice,
            IdleCheck = map.Map("idleCheck", required: false) is { } idle ? ReadIdleCheck(idle) : lab.IdleCheck,
        };
        map.Finish();
        return lab;
    }

    private static readonly Dictionary<string, CpuPinningMode> PinningModes = new(StringComparer.Ordinal)
    {
        ["off"] = CpuPinningMode.Off,
        ["separate"] = CpuPinningMode.Separate,
        ["shared"] = CpuPinningMode.Shared,
    };

    private static IdleCheckSpec ReadIdleCheck(YamlMap map)
    {
        var check = new IdleCheckSpec();
        check = check with
        {
            Enabled = map.Bool("enabled", required: false) ?? check.Enabled,
            MaxWait = map.Value("maxWait")?.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? check.MaxWait,
            Window = map.Value("window")?.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)) ?? check.Window,
            BusyBelowPercent = map.Int("busyBelowPercent", required: false, min: 1, max: 100) ?? check.BusyBelowPercent,
        };
        map.Finish();
        return check;
    }

    private List<TestSpec> ReadTests(YamlMap root, ScenarioContext context)
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

        // Where each (test, variant, topology) was first planned: a second entry planning it again would write the same
        // rows and the same raw files, so two settings (crr's 1000 and 5000 connections) would mix in one median.
        var planned = new Dictionary<(string Test, string Variant, string Topology), long>();
        foreach (var item in testsValue.List()!)
        {
            if (item.Map() is { } map && ReadTest(map, context) is { } test)
            {
                tests.Add(test);
                var keys = test.Settings.Variants().SelectMany(v => test.Topologies.Select(t => (test.Test, Variant: v.Name, Topology: t))).ToList();
                var clashes = keys.Where(planned.ContainsKey).ToList();
                foreach (var key in keys)
                {
                    planned.TryAdd(key, item.Node.Start.Line);
                }

                if (clashes.Count > 0)
                {
                    var clash = clashes[0];
                    item.Error($"this {clash.Test} entry plans variant '{clash.Variant}' on {clash.Topology}, as the entry at line {planned[clash]} does: " +
                        "their rows and raw files would mix; make them differ in a setting that names the variant (as flows or bitrate do), " +
                        "or put one in another scenario");
                }
            }
        }

        return tests;
    }

    private TestSpec? ReadTest(YamlMap map, ScenarioContext context)
    {
        if (map.Value("test") is not { } kindValue)
        {
            map.Error($"a test needs 'test: <name>'; known tests: {string.Join(", ", KnownTests)}");
            return null;
        }

        var name = kindValue.String();
        if (name is null || kinds.FirstOrDefault(k => k.Name == name) is not { } kind)
        {
            if (name is not null)
            {
                kindValue.Error($"unknown test '{name}'; known tests: {string.Join(", ", KnownTests)}");
            }

            return null;
        }

        // A test's fields are named after its kind (tcp.duration), which says more than its place in the list.
        map = map.As(name);
        var test = kind.Read(new TestReader(map, name, context));
        map.Finish();
        return test;
    }
}
