using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Core.Tests.Orchestration;
using CniBench.Results.Export;

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
            Tests = [new TestSpec { Test = "tcp", Topologies = ["cross-node"] }],
        },
        RunId);

    public void Dispose() => Directory.Delete(_root, recursive: true);
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

    public void ClusterStarting(string cni)
    {
    }

    public void ClusterReady(string cni, string description, TimeSpan elapsed)
    {
    }

    public void ClusterFailed(string cni, string reason)
    {
    }

    public void MeasurementStarting(PlannedMeasurement planned, int index, int total)
    {
    }

    public void MeasurementFinished(PlannedMeasurement planned, IReadOnlyList<Measurement> rows)
    {
    }

    public void ClusterStopping(string cni)
    {
    }

    public void Message(string text)
    {
    }
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
