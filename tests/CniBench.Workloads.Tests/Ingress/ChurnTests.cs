using CniBench.Core.Measurements;
using CniBench.Workloads.Ingress;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Workloads.Tests.Ingress;

public sealed class ChurnTests
{
    [Fact]
    public void Create_EightSeconds_ScalesRemovesStopsAndReroutesAtFixedShares()
    {
        var steps = ChurnSchedule.Create(TimeSpan.FromSeconds(8));

        Assert.Equal([2.0, 4.0, 5.0, 6.0], steps.Select(s => s.At.TotalSeconds));
        Assert.Equal([ChurnAction.ScaleUp, ChurnAction.RemoveOne, ChurnAction.StopRemoved, ChurnAction.ChangeRoute], steps.Select(s => s.Action));
    }

    [Fact]
    public async Task RunAsync_FakeClock_AppliesEachChangeAtItsOffsetBetweenSlices()
    {
        var time = new FakeTimeProvider();
        var steps = ChurnSchedule.Create(TimeSpan.FromSeconds(8));
        var applied = 0;
        using var signal = new SemaphoreSlim(0);

        var (slices, changes) = await new ChurnRunner(time).RunAsync(
            8,
            steps,
            async (i, ct) =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                // Deterministic: every change due by now has been applied before the next slice starts.
                var due = steps.Count(s => s.At <= TimeSpan.FromSeconds(i + 1));
                while (Volatile.Read(ref applied) < due)
                {
                    Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), ct), "a due change was not applied");
                }

                return new ChurnSlice { Requests = 100, RequestsPerSecond = 100 };
            },
            (step, _) =>
            {
                Interlocked.Increment(ref applied);
                signal.Release();
                return Task.FromResult(ChurnSchedule.Label(step.Action, "n3-p2"));
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 8), slices.Select(s => s.Index));
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6, 7], slices.Select(s => s.StartSeconds));
        Assert.Equal([2.0, 4, 5, 6], changes.Select(c => c.AtSeconds));
        Assert.Equal(["scale 2→4", "remove n3-p2", "stop n3-p2", "route → web-v2"], changes.Select(c => c.Label));
        Assert.All(changes, c => Assert.Equal(c.AtSeconds, c.AppliedSeconds));
    }

    [Fact]
    public async Task RunAsync_ChangeFails_RecordsTheErrorSkipsTheRestAndKeepsLoading()
    {
        var time = new FakeTimeProvider();
        var steps = ChurnSchedule.Create(TimeSpan.FromSeconds(4));
        using var failed = new SemaphoreSlim(0);

        var (slices, changes) = await new ChurnRunner(time).RunAsync(
            4,
            steps,
            async (i, ct) =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                if (i == 0)
                {
                    Assert.True(await failed.WaitAsync(TimeSpan.FromSeconds(5), ct));
                }

                return new ChurnSlice { Requests = 1, RequestsPerSecond = 1 };
            },
            (step, _) =>
            {
                failed.Release();
                throw new IngressControllerException("nginx on n1-p1 did not apply the change: no new worker process within 30 s");
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(4, slices.Count);
        var change = Assert.Single(changes);
        Assert.Null(change.AppliedSeconds);
        Assert.Contains("no new worker", change.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToObservations_ErrorsAndSlowSliceNearAChange_CountsFailuresAndSpike()
    {
        var timeline = new ChurnTimeline
        {
            Cni = "calico",
            Controller = "nginx",
            SteadyP99Ms = 2,
            Slices =
            [
                new ChurnSlice { Index = 0, StartSeconds = 0, EndSeconds = 1, Requests = 1000, RequestsPerSecond = 1000, P99Ms = 2.5 },
                new ChurnSlice { Index = 1, StartSeconds = 1, EndSeconds = 2, Requests = 900, RequestsPerSecond = 900, ReadErrors = 3, ConnectErrors = 1, Non2xx = 2, P99Ms = 9 },
                new ChurnSlice { Index = 2, StartSeconds = 2, EndSeconds = 3, Requests = 1000, RequestsPerSecond = 1000, P99Ms = 3 },
                new ChurnSlice { Index = 3, StartSeconds = 3, EndSeconds = 4, Failure = "wrk completed no request" },
                new ChurnSlice { Index = 4, StartSeconds = 4, EndSeconds = 5, Requests = 1000, RequestsPerSecond = 1000, P99Ms = 40 },
            ],
            Changes = [new ChurnChange("scale 2→4", 1.2, 1.5)],
        };

        var figures = timeline.ToObservations().ToDictionary(o => o.Metric, o => o.Value);

        Assert.Equal(4, figures[IngressMetrics.ChurnFailedRequests]);
        Assert.Equal(2, figures[IngressMetrics.ChurnNon2xx]);
        Assert.Equal(1, figures[IngressMetrics.ChurnFailedSlices]);
        // Slices 1 and 2 overlap [1.2 s, 1.5 s + 1 s]; slice 4's 40 ms is far from any change.
        Assert.Equal(7, figures[IngressMetrics.ChurnP99SpikeMs], 6);
        Assert.Equal(3900 / 4.0, figures[IngressMetrics.ChurnRequestsPerSecond], 6);
    }

    [Fact]
    public void FromJson_WrittenTimeline_RoundTripsWithSnakeCaseNames()
    {
        var timeline = new ChurnTimeline
        {
            Cni = "flannel",
            Controller = "yarp",
            Repetition = 2,
            SteadyP99Ms = 1.5,
            Slices = [new ChurnSlice { Index = 0, EndSeconds = 1.01, Requests = 10, RequestsPerSecond = 9.9, TimeoutErrors = 1 }],
            Changes = [new ChurnChange("route → web-v2", 6, 6.2)],
        };

        var json = timeline.ToJson();
        var back = ChurnTimeline.FromJson(json)!;

        Assert.Contains("\"steady_p99_ms\": 1.5", json, StringComparison.Ordinal);
        Assert.Contains("\"applied_seconds\": 6.2", json, StringComparison.Ordinal);
        Assert.Equal(timeline.Slices, back.Slices);
        Assert.Equal(timeline.Changes, back.Changes);
        Assert.Equal(("flannel", "yarp", 2), (back.Cni, back.Controller, back.Repetition));
    }
}
