using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.TestSupport.Orchestration;
using CniBench.Results.Export;
using CniBench.Workloads.Tcp;

namespace CniBench.Runs.Tests;

/// <summary>A results folder and a scenario file under the system temp directory, removed when the test ends.</summary>
internal sealed class SessionFolder : IDisposable
{
    public const string RunId = "20260101T000000Z-3fa2";

    private readonly string _root = Directory.CreateTempSubdirectory("cnb-session-").FullName;

    public SessionFolder()
    {
        Directory.CreateDirectory(Path);
        File.WriteAllText(ScenarioPath, "name: t\n");
    }

    public string Path => System.IO.Path.Join(_root, RunId);

    public string ScenarioPath => System.IO.Path.Join(_root, "scenario.yaml");

    public string In(string name) => System.IO.Path.Join(Path, name);

    /// <summary>tcp cross-node on the underlay, flannel and calico: 3 measurements.</summary>
    public RunPlan Plan() => RunPlanner.Create(
        new ScenarioSpec
        {
            Name = "t",
            SourcePath = ScenarioPath,
            Cnis = ["flannel", "calico"],
            Repetitions = 1,
            Tests = [new TestSpec { Test = "tcp", Topologies = ["cross-node"], Settings = new TcpTestSpec() }],
        },
        RunId);

    /// <summary>A run of <see cref="Plan"/> into this folder, exporting summary.csv and then <paramref name="exporters"/>.</summary>
    public RunRequest Request(IClusterProvider provider, params IRunExporter[] exporters) => new()
    {
        Plan = Plan(),
        RunDirectory = Path,
        Provider = provider,
        Exporters = _ => new RunExporters([new SummaryCsvExporter(), .. exporters]),
    };

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>A scripted tcp test and a session that runs only it.</summary>
internal static class Tcp
{
    public static Task<TestOutcome> Value(double bps) =>
        Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, bps, Metrics.BitsPerSecond)], "raw/x.json"));

    public static ScriptedTest Measures() => new("tcp", (_, _, _) => Value(1e9));

    /// <summary>Measures until its <paramref name="call"/>th call, which cancels the run as Ctrl-C does.</summary>
    public static ScriptedTest CancelsAt(int call, CancellationTokenSource cts) => new("tcp", async (_, n, ct) =>
    {
        if (n == call)
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }

        return await Value(1e9);
    });

    public static RunSession Session(ScriptedTest test) => new(new Dictionary<string, ITestKind> { [test.Name] = test }, TimeProvider.System);
}

/// <summary>Records what the session reports; runs the measuring phase as it is.</summary>
internal sealed class RecordingObserver : IRunSessionObserver
{
    public List<int> Phases { get; } = [];

    public List<ExportFailure> ExportFailures { get; } = [];

    public Task<RunOutcome> MeasureAsync(int measurements, Func<Task<RunOutcome>> measure)
    {
        Phases.Add(measurements);
        return measure();
    }

    public void ExportFailed(ExportFailure failure) => ExportFailures.Add(failure);
}

/// <summary>A provider whose clusters leave something on the host; it notes whether they were all torn down when asked.</summary>
internal sealed class LeavingProvider(LeftBehind leftBehind) : IClusterProvider, ILeftBehindCheck
{
    private readonly FakeProvider _clusters = new();

    public string Name => "leaving";

    public bool? AllDisposedWhenAsked { get; private set; }

    public Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        _clusters.CreateAsync(request, progress, cancellationToken);

    public Task<LeftBehind> LeftBehindAsync(CancellationToken cancellationToken)
    {
        AllDisposedWhenAsked = _clusters.Created.TrueForAll(c => c.Disposed);
        return Task.FromResult(leftBehind);
    }
}

/// <summary>An exporter that runs the given step; it may throw.</summary>
internal sealed class StepExporter(string name, Func<ExportContext, Task> step) : IRunExporter
{
    public string Name => name;

    public Task ExportAsync(ExportContext context, CancellationToken cancellationToken) => step(context);
}
