using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>The <c>netpol</c> test: which policy cases of which suite, against which model, probed how.</summary>
public sealed class NetpolDefinition : ITestKindDefinition
{
    public const string TestName = "netpol";

    public string Name => TestName;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var netpol = new NetpolTestSpec();
        var suite = reader.ResolveFolder(map.String("suite", required: false) ?? netpol.Suite);
        var available = reader.Files.YamlFileStems(suite);
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
            if (!reader.Files.FileExists(path))
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
            Test = Name,
            Topologies = [Topologies.PodToPod],
            Repetitions = reader.Repetitions(),
            Settings = netpol with
            {
                Suite = suite,
                Cases = cases.Count > 0 ? cases : available,
                Model = model,
                ProbeTimeout = reader.Duration("probeTimeout", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30)) ?? netpol.ProbeTimeout,
                Samples = map.Int("samples", required: false, min: 1, max: 20) ?? netpol.Samples,
                ConvergenceTimeout = reader.Duration("convergenceTimeout", TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? netpol.ConvergenceTimeout,
                GradeSelfTraffic = self,
            },
        };
    }

    public ITestKind CreateRunner(TimeProvider time) => new NetpolKind(time);

    public MetricDeclarations Metrics => NetpolMetrics.Declarations;
}
