using CniBench.Core.Scenarios;
using CniBench.TestSupport.Orchestration;

namespace CniBench.Runs.Tests;

public sealed class RunResumptionTests : IDisposable
{
    private readonly SessionFolder _folder = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    /// <summary>A new run that is interrupted during its third measurement: the underlay and flannel are on disk.</summary>
    private async Task InterruptedRunAsync()
    {
        using var cts = new CancellationTokenSource();
        await Tcp.Session(Tcp.CancelsAt(3, cts)).RunAsync(_folder.Request(new FakeProvider()), new RecordingObserver(), cts.Token);
    }

    [Fact]
    public async Task ReplanAsync_InterruptedRun_PlansOnlyWhatIsMissingAndTheLastAgain()
    {
        await InterruptedRunAsync();

        var step = await RunResumption.ReplanAsync(_folder.Plan(), _folder.Path, Token);

        Assert.Null(step.Error);
        var plan = step.Value!.Plan;
        // The last measurement on disk may be incomplete, so flannel is measured again; the underlay is done.
        Assert.Equal(["flannel", "calico"], plan.Measurements.Select(m => m.Key.Cni));
        Assert.Equal(["flannel", "calico"], plan.Clusters);
        Assert.StartsWith("1 of 3 measurements are done; measuring again 1 that may be incomplete (flannel/", step.Value.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplanAsync_RowsThePlanDoesNotHave_SaysWhy()
    {
        await InterruptedRunAsync();
        var other = _folder.Plan() with { Measurements = [.. _folder.Plan().Measurements.Where(m => m.Key.Cni == "calico")] };

        var step = await RunResumption.ReplanAsync(other, _folder.Path, Token);

        Assert.Null(step.Value);
        Assert.Contains("which this scenario does not plan", step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_InterruptedRun_ReturnsItsRecord()
    {
        await InterruptedRunAsync();

        var step = await RunResumption.ReadAsync(_folder.Path, scenarioPath: null, new ScenarioOverrides(), Token);

        Assert.Equal(SessionFolder.RunId, step.Value?.RunId);
    }

    [Fact]
    public async Task ReadAsync_NoRunJson_SaysWhatToGive()
    {
        var step = await RunResumption.ReadAsync(_folder.Path, scenarioPath: null, new ScenarioOverrides(), Token);

        Assert.Equal($"--resume {_folder.Path}: no run.json there; give the folder of an interrupted run (results/<run-id>)", step.Error);
    }

    [Fact]
    public async Task ReadAsync_OptionsGiven_RefusedSinceTheRunsOwnAreReplayed()
    {
        await InterruptedRunAsync();

        var step = await RunResumption.ReadAsync(_folder.Path, scenarioPath: null, new ScenarioOverrides { Quick = true }, Token);

        Assert.StartsWith("--resume replays the interrupted run's own options", step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ScenarioChanged_RefusedSinceThePlanWouldDiffer()
    {
        await InterruptedRunAsync();
        await File.AppendAllTextAsync(_folder.ScenarioPath, "repetitions: 5\n", Token);

        var step = await RunResumption.ReadAsync(_folder.Path, scenarioPath: null, new ScenarioOverrides(), Token);

        Assert.Equal($"--resume: {_folder.ScenarioPath} changed since the run started (sha256 differs); a resumed run must measure the same plan", step.Error);
    }
}
