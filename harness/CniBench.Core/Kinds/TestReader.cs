using CniBench.Core.Scenarios;
using CniBench.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Kinds;

/// <summary>
/// What a test kind reads its entry with: the entry's mapping (its fields named after the kind, <c>tcp.duration</c>),
/// the scenario around it, and the rules every kind shares for the keys they have in common (durations a tool takes
/// in whole seconds, topologies, repetitions, lists of choices). The command-line overrides (<c>--duration</c>,
/// <c>--repetitions</c>, <c>--quick</c>) are applied here, to the values the rules check, so a value given as an
/// option is held to the rule of the key it replaces and its error names the option.
/// </summary>
public sealed class TestReader
{
    private readonly ScenarioOverrides _overrides;
    private readonly string _scenarioFile;
    private readonly List<InputError> _errors;

    internal TestReader(YamlMap map, string kind, ScenarioContext scenario)
    {
        Map = map;
        Kind = kind;
        Lab = scenario.Lab;
        Provider = scenario.Provider;
        Files = scenario.Files;
        IngressControllers = scenario.IngressControllers;
        _overrides = scenario.Overrides;
        _scenarioFile = scenario.File;
        _errors = scenario.Errors;
    }

    /// <summary>The test's mapping; its fields are named after the kind (<c>http.payloads</c>).</summary>
    public YamlMap Map { get; }

    /// <summary>The kind's name as the scenario wrote it, for messages and <see cref="TestSpec.Test"/>.</summary>
    public string Kind { get; }

    public LabSpec Lab { get; }

    /// <summary><c>lab</c> or <c>kubernetes</c>.</summary>
    public string Provider { get; }

    /// <summary>Where the files a test names (a policy suite, a model) are looked up.</summary>
    public IScenarioFiles Files { get; }

    /// <summary>The controllers of the Kubernetes ingress catalog (manifests/ingress/*.yaml).</summary>
    public IReadOnlyCollection<string> IngressControllers { get; }

    /// <summary>same-node (when the lab has two pods per node) and cross-node: the default of tests between pods on nodes.</summary>
    public IReadOnlyList<string> NodeTopologies =>
        [.. new[] { Measurements.Topologies.SameNode, Measurements.Topologies.CrossNode }.Where(t => t != Measurements.Topologies.SameNode || Lab.PodsPerNode >= 2)];

    /// <summary>
    /// The measured time of each tool run (<c>duration</c>, 1 s to 1 h, whole seconds for <paramref name="tool"/>), or
    /// <c>--duration</c> / <c>--quick</c> in its place, held to the same rule.
    /// </summary>
    public TimeSpan MeasuredDuration(string tool, TimeSpan fallback)
    {
        var (min, max) = (TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var value = WholeSeconds("duration", tool, min, max, fallback);
        var given = _overrides.Duration is { } duration ? ("--duration", _overrides.DurationText ?? ScenarioValues.Format(duration))
            : _overrides.Quick ? ("--quick", ScenarioValues.Format(ScenarioOverrides.QuickDuration))
            : ((string, string)?)null;
        return given is var (option, text)
            ? WholeSeconds(Option(option, "duration", new YamlScalarNode(text)), "duration", tool, min, max, value)
            : value;
    }

    /// <summary>The warm-up the tool measures and leaves out (<c>warmup</c>, up to 10 min, whole seconds); <c>--quick</c> caps it at 1 s.</summary>
    public TimeSpan Warmup(string tool, TimeSpan fallback)
    {
        var value = WholeSeconds("warmup", tool, TimeSpan.Zero, TimeSpan.FromMinutes(10), fallback);
        return _overrides.Quick && value > ScenarioOverrides.QuickWarmup ? ScenarioOverrides.QuickWarmup : value;
    }

    /// <summary>
    /// A duration a tool takes in whole seconds (iperf3's -t and -O, wrk's -d), or <paramref name="fallback"/> when the
    /// key is absent; a fraction is an error at the key, naming the test, the key and the tool.
    /// </summary>
    public TimeSpan WholeSeconds(string key, string tool, TimeSpan min, TimeSpan max, TimeSpan fallback) =>
        WholeSeconds(Map.Value(key), key, tool, min, max, fallback);

    /// <summary>Any duration within a range (a probe timeout), or null when absent or wrong.</summary>
    public TimeSpan? Duration(string key, TimeSpan min, TimeSpan max) => Map.Value(key)?.Duration(min, max);

    /// <summary>
    /// The entry of a kind that measures between pods or nodes for a time: its duration and warm-up, the node
    /// topologies (or those the entry names), its repetitions, and the kind's settings.
    /// </summary>
    public TestSpec NodeSpec(TimeSpan duration, TimeSpan warmup, TestSettings settings) => new()
    {
        Test = Kind,
        Duration = duration,
        Warmup = warmup,
        Topologies = Topologies(NodeTopologies),
        Repetitions = Repetitions(),
        Settings = settings,
    };

    /// <summary>The test's own repetitions (<c>repetitions</c>); <c>--repetitions</c> or <c>--quick</c> replaces them (checked once, with the scenario's).</summary>
    public int? Repetitions()
    {
        var value = Map.Int("repetitions", required: false, min: 1, max: ScenarioValues.MaxRepetitions);
        return _overrides.EffectiveRepetitions ?? value;
    }

    /// <summary>
    /// The topologies the test names (<c>topologies</c>), each one of <paramref name="allowed"/> (every topology when
    /// null) and same-node only with two pods per node; <paramref name="fallback"/> when the key is absent.
    /// </summary>
    public IReadOnlyList<string> Topologies(IReadOnlyList<string> fallback, IReadOnlyList<string>? allowed = null)
    {
        allowed ??= Measurements.Topologies.All;
        var topologies = new List<string>();
        foreach (var item in Map.Value("topologies")?.Items() ?? [])
        {
            if (item.String() is not { } topology)
            {
                continue;
            }

            if (!allowed.Contains(topology, StringComparer.Ordinal))
            {
                item.Error($"unknown topology '{topology}' for {Kind}; expected one of: {string.Join(", ", allowed)}");
            }
            else if (topology == Measurements.Topologies.SameNode && Lab.PodsPerNode < 2)
            {
                item.Error("same-node needs lab.podsPerNode of 2 or more");
            }
            else
            {
                topologies.Add(topology);
            }
        }

        return topologies.Count > 0 ? topologies.Distinct().ToList() : fallback;
    }

    /// <summary>A list of names, each one of <paramref name="allowed"/>, without repeats; empty when the key is absent.</summary>
    public IReadOnlyList<string> Choices(string key, IReadOnlyList<string> allowed)
    {
        var chosen = new List<string>();
        foreach (var item in Map.Value(key)?.Items() ?? [])
        {
            if (item.String() is not { } value)
            {
                continue;
            }

            if (!allowed.Contains(value, StringComparer.Ordinal))
            {
                item.Error($"unknown {Kind}.{key} entry '{value}'; expected one of: {string.Join(", ", allowed)}");
            }
            else if (!chosen.Contains(value, StringComparer.Ordinal))
            {
                chosen.Add(value);
            }
        }

        return chosen;
    }

    /// <summary>
    /// A relative folder as the scenario names it: from the folder cnibench runs in when it is there, else from the
    /// checkout that holds the scenario (the parent of its scenarios/ folder), so a shipped scenario works from anywhere.
    /// </summary>
    public string ResolveFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (Path.IsPathRooted(folder) || Files.DirectoryExists(folder) || !Files.FileExists(_scenarioFile))
        {
            return folder;
        }

        var checkout = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(_scenarioFile)));
        return checkout is not null && Files.DirectoryExists(Path.Combine(checkout, folder)) ? Path.Combine(checkout, folder) : folder;
    }

    private TimeSpan WholeSeconds(YamlValue? node, string key, string tool, TimeSpan min, TimeSpan max, TimeSpan fallback)
    {
        var value = node?.Duration(min, max) ?? fallback;
        if (node is not null && !Quantities.IsWholeSeconds(value))
        {
            node.Error($"{Kind}.{key} must be whole seconds ({tool} has no finer unit)");
        }

        return value;
    }

    private YamlValue Option(string option, string key, YamlNode node) => YamlValue.Option(option, $"{Map.Path}.{key}", node, _errors);
}

/// <summary>What the scenario around a test entry says, as the loader hands it to each <see cref="TestReader"/>.</summary>
internal sealed record ScenarioContext(
    LabSpec Lab,
    string Provider,
    string File,
    IScenarioFiles Files,
    IReadOnlyCollection<string> IngressControllers,
    ScenarioOverrides Overrides,
    List<InputError> Errors);
