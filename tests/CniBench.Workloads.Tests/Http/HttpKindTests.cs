using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Http;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Http;

/// <summary>The http test's flow on scripted runners: server set-up, wrk runs, remembered saturation, failures.</summary>
public sealed class HttpKindTests
{
    private static readonly IPAddress ServerAddress = IPAddress.Parse("198.19.2.2");

    private readonly FakeProcessRunner _server = new();
    private readonly FakeProcessRunner _client = new();
    private readonly RecordingSink _sink = new();
    private readonly HttpKind _test = new();
    private readonly Queue<string> _wrkFixtures = new();

    public HttpKindTests()
    {
        _client.OnRun = (spec, _) =>
        {
            if (spec.Program != WrkTool.TimeProgram)
            {
                return Task.FromResult(new ProcessResult(0, "", "", TimeSpan.Zero));
            }

            var (stdout, stderr) = TestAssets.Wrk(_wrkFixtures.Dequeue());
            return Task.FromResult(new ProcessResult(stderr.Contains("non-zero", StringComparison.Ordinal) ? 1 : 0, stdout, stderr, TimeSpan.FromSeconds(2)));
        };
    }

    private List<ProcessSpec> WrkRuns => [.. _client.Runs.Where(r => r.Program == WrkTool.TimeProgram)];

    private TestInvocation Invocation(string variant, TestSpec? spec = null, string topology = "cross-node", IPAddress? target = null)
    {
        spec ??= new TestSpec { Test = "http", Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Settings = new HttpTestSpec() };
        var planned = RunPlanner.Variants(spec).Single(v => v.Name == variant);
        return new TestInvocation(
            new PlannedMeasurement(new MeasurementKey("calico", "http", variant, topology, 1), spec, planned),
            new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), _client),
            new FakeWorkloadHost("n2-p1", ServerAddress, _server),
            _sink,
            "raw/calico/http-x.json")
        {
            Target = target ?? ServerAddress,
        };
    }

    [Fact]
    public async Task RunAsync_Saturation_StartsNginxOnTheServerAndLoadsItFromTheClient()
    {
        _wrkFixtures.Enqueue("keepalive-1KiB");

        var outcome = await _test.RunAsync(Invocation("1KiB-keepalive-saturation"), TestContext.Current.CancellationToken);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var nginx = Assert.Single(_server.Started);
        Assert.Equal("nginx", nginx.Spec.Program);
        Assert.True(nginx.WasStopped);
        var site = nginx.Spec.Arguments[3];
        Assert.Matches("^/tmp/cnb-http-[0-9a-f]{8}/$", site);
        var conf = Assert.Single(_server.Runs, r => r.Program == "tee").StandardInput;
        Assert.Contains("listen 198.19.2.2:8080;", conf, StringComparison.Ordinal);
        Assert.Contains(_server.Runs, r => r.Program == "truncate" && r.Arguments.SequenceEqual(["-s", "1024", site + "www/1KiB"]));
        Assert.Contains(_server.Runs, r => r.Program == "nginx" && r.Arguments[^1] == "stop");
        Assert.Equal(["rm", "rm"], _server.Runs.Concat(_client.Runs).Where(r => r.Program == "rm").Select(r => r.Program));

        var wrk = Assert.Single(WrkRuns);
        Assert.Equal("http://198.19.2.2:8080/1KiB", wrk.Arguments[^1]);
        Assert.DoesNotContain("Connection: close", wrk.Arguments);
        var script = _client.Runs.Single(r => r.Program == "tee");
        Assert.DoesNotContain("function delay", script.StandardInput, StringComparison.Ordinal);

        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(56_926.6, observations[Metrics.RequestsPerSecond], 0.1);
        Assert.Equal(10.396, observations[Metrics.LatencyP99Ms], 6);
        Assert.False(observations.ContainsKey(HttpMetrics.TargetRequestsPerSecond));
        Assert.Equal("raw/calico/http-x.txt", outcome.RawFile);
        Assert.Contains("CNIBENCH_WRK", _sink.RawFiles["raw/calico/http-x.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServiceTargetAndClose_AimsAtTheClusterIpWithConnectionClose()
    {
        _wrkFixtures.Enqueue("close-100KiB");

        var outcome = await _test.RunAsync(
            Invocation("100KiB-close-saturation", topology: "pod-to-service", target: IPAddress.Parse("198.18.96.7")), TestContext.Current.CancellationToken);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var wrk = Assert.Single(WrkRuns);
        Assert.Equal(["-H", "Connection: close", "http://198.18.96.7:8080/100KiB"], wrk.Arguments.TakeLast(3));
        Assert.Contains("listen 198.19.2.2:8080;", _server.Runs.Single(r => r.Program == "tee").StandardInput, StringComparison.Ordinal);
        Assert.Equal([ServicePort.Tcp(8080)], _test.ServicePorts);
    }

    [Fact]
    public async Task RunAsync_FixedRateAfterSaturation_PacesAtHalfTheRememberedRateWithoutAProbe()
    {
        _wrkFixtures.Enqueue("keepalive-1KiB");
        _wrkFixtures.Enqueue("fixed-rate-1KiB");
        var token = TestContext.Current.CancellationToken;

        await _test.RunAsync(Invocation("1KiB-keepalive-saturation"), token);
        var outcome = await _test.RunAsync(Invocation("1KiB-keepalive-fixed-rate"), token);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        Assert.Equal(2, WrkRuns.Count);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(56_926.6 / 2, observations[HttpMetrics.TargetRequestsPerSecond], 0.1);
        Assert.Equal(14_423 / 2.038062, observations[Metrics.RequestsPerSecond], 0.1);
        var paced = _client.Runs.Last(r => r.Program == "tee");
        Assert.EndsWith("/paced.lua", paced.Arguments[0], StringComparison.Ordinal);
        Assert.Contains("function delay()", paced.StandardInput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FixedRateWithoutSaturation_ProbesFirstAndRecordsTheProbeInTheRawFile()
    {
        _wrkFixtures.Enqueue("keepalive-1KiB");
        _wrkFixtures.Enqueue("fixed-rate-1KiB");
        var spec = new TestSpec { Test = "http", Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.FromSeconds(1), Settings = new HttpTestSpec() };

        var outcome = await _test.RunAsync(Invocation("1KiB-keepalive-fixed-rate", spec), TestContext.Current.CancellationToken);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        // Probe and measured run only: the probe stands in for the warm-up.
        Assert.Equal(["2s", "2s"], WrkRuns.Select(r => r.Arguments[8]));
        Assert.Contains("# saturation probe:", _sink.RawFiles.Values.Single(), StringComparison.Ordinal);
        Assert.Equal(56_926.6 / 2, outcome.Observations.Single(o => o.Metric == HttpMetrics.TargetRequestsPerSecond).Value, 0.1);
    }

    [Fact]
    public async Task RunAsync_Warmup_RunsADiscardedWrkFirst()
    {
        _wrkFixtures.Enqueue("close-100KiB");
        _wrkFixtures.Enqueue("keepalive-1KiB");
        var spec = new TestSpec { Test = "http", Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1), Settings = new HttpTestSpec() };

        var outcome = await _test.RunAsync(Invocation("1KiB-keepalive-saturation", spec), TestContext.Current.CancellationToken);

        Assert.Equal(["1s", "3s"], WrkRuns.Select(r => r.Arguments[8]));
        Assert.Equal(119_534 / 2.099793, outcome.Observations.Single(o => o.Metric == Metrics.RequestsPerSecond).Value, 0.1);
    }

    [Fact]
    public async Task RunAsync_WrkCannotConnect_FailsWithItsWordsAndStillCleansUp()
    {
        _wrkFixtures.Enqueue("refused");

        var outcome = await _test.RunAsync(Invocation("1KiB-keepalive-saturation"), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("wrk printed no summary: unable to connect to 127.0.0.1:8099 Connection refused", outcome.Reason);
        Assert.NotNull(outcome.RawFile);
        Assert.True(Assert.Single(_server.Started).WasStopped);
        Assert.Equal(2, _server.Runs.Concat(_client.Runs).Count(r => r.Program == "rm"));
    }

    [Fact]
    public async Task RunAsync_NginxExitsBeforeReady_FailsWithoutRunningWrk()
    {
        _server.OnStart = spec => new FakeRunningProcess(spec)
        {
            OnWait = (_, _) => Task.FromException(new InvalidOperationException("nginx: [emerg] bind() to 198.19.2.2:8080 failed (98: Address already in use)")),
        };

        var outcome = await _test.RunAsync(Invocation("1KiB-keepalive-saturation"), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("nginx on n2-p1 did not start: nginx: [emerg] bind()", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(WrkRuns);
        Assert.Contains(_server.Runs, r => r.Program == "rm");
    }

    [Fact]
    public async Task RunAsync_VariantWithoutHttpParameters_Fails()
    {
        var spec = new TestSpec { Test = "http", Settings = new HttpTestSpec() };
        var invocation = new TestInvocation(
            new PlannedMeasurement(new MeasurementKey("calico", "http", "1-stream", "same-node", 1), spec, new TestVariant("1-stream", 1)),
            new FakeWorkloadHost("a", ServerAddress, _client),
            new FakeWorkloadHost("b", ServerAddress, _server),
            _sink,
            "raw/x.json");

        var outcome = await _test.RunAsync(invocation, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Empty(_server.Started);
    }

    [Fact]
    public void Create_Registry_HasHttpWithRequestsPerSecondAsPrimaryMetric()
    {
        var test = new HttpDefinition().CreateRunner(TimeProvider.System);

        Assert.Equal(Metrics.RequestsPerSecond, test.PrimaryMetric);
    }
}
