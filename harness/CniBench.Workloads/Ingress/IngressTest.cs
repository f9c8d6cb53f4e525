using System.Globalization;
using System.Net;
using System.Text;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Ingress;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>Knobs of the ingress test that do not change between measurements.</summary>
public sealed record IngressTestOptions
{
    /// <summary>Where backends listen and where the controller listens.</summary>
    public int Port { get; init; } = HttpTestOptions.DefaultPort;

    /// <summary>The Ingress template (manifests/workloads/ingress.yaml) as text; null when it was not found.</summary>
    public string? IngressTemplate { get; init; }

    public IngressControllerOptions Controllers { get; init; } = new();

    public TimeSpan BackendReadyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>wrk's per-request timeout: slower responses count as timeout errors.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Added to wrk's own length before it is deemed hung and killed.</summary>
    public TimeSpan ClientTimeoutMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Length of one churn slice (wrk's -d takes whole seconds).</summary>
    public TimeSpan SliceLength { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The options for a checkout: the template and the built cnibench-ingress found from the repository root.</summary>
    public static IngressTestOptions FromRepository()
    {
        var root = RepositoryRoot();
        var template = root is null ? null : Path.Combine(root, "manifests", "workloads", "ingress.yaml");
        return new IngressTestOptions
        {
            IngressTemplate = template is not null && File.Exists(template) ? File.ReadAllText(template) : null,
            Controllers = new IngressControllerOptions { YarpDll = root is null ? null : FindYarpDll(root) },
        };
    }

    /// <summary>The folder with CniBench.sln above the running assembly, or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>cnibench-ingress.dll as ./run.sh builds it, preferring the configuration the caller itself was built in.</summary>
    public static string? FindYarpDll(string repositoryRoot)
    {
        var preferred = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? new[] { "Debug", "Release" }
            : ["Release", "Debug"];
        return preferred
            .Select(c => Path.Combine(repositoryRoot, "harness", "CniBench.Ingress.Yarp", "bin", c, "net10.0", "cnibench-ingress.dll"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>
/// HTTP load through an ingress controller in the lab, then churn. The controller (YARP, nginx or HAProxy) runs in the
/// ingress node's first pod, configured from one Ingress object and the endpoints of nginx backends on the other nodes;
/// wrk runs in the ingress node's second pod. Steady phase: warm-up, then wrk for the scenario's duration (the http
/// metrics). Churn phase: back-to-back 1-second wrk slices while the backends scale 2→4, one is removed (and then
/// stopped), and the route moves to another Service. The <c>direct</c> variant loads a backend on the client's own
/// node with no controller: the generator's ceiling. A configuration error fails the measurement before any process starts.
/// </summary>
public sealed class IngressTest(IngressTestOptions options) : IBenchmarkTest
{
    public const string TestName = "ingress";

    /// <summary>Backends the Service starts with, and how many the churn phase scales to.</summary>
    public const int InitialBackends = 2;
    public const int ScaledBackends = 4;

    private const int MaxDetailLength = 400;

    public IngressTestOptions Options { get; } = options;

    public string Name => TestName;

    public string PrimaryMetric => Metrics.RequestsPerSecond;

    public async Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var spec = invocation.Planned.Test.Ingress ?? new IngressTestSpec();
        var variant = invocation.Planned.Variant.Name;
        if (invocation.Cluster is not { } cluster || IngressLayout.Select(cluster) is not { } layout)
        {
            return TestOutcome.Unsupported("the ingress test needs a cluster of at least 2 nodes with 2 pods on the first");
        }

        var run = new Run(this, invocation, spec, layout);
        try
        {
            var outcome = variant == IngressTestSpec.Direct
                ? await run.DirectAsync(cancellationToken)
                : await run.ThroughControllerAsync(variant, cancellationToken);
            var rawFile = await invocation.Sink.WriteRawAsync(Path.ChangeExtension(invocation.RawPath, ".txt"), run.Raw, cancellationToken);
            return outcome with { RawFile = rawFile };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
    }

    private static string Detail(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" ");
        return trimmed.Length <= MaxDetailLength ? trimmed : string.Concat(trimmed.AsSpan(0, MaxDetailLength - 1), "…");
    }

    /// <summary>One measurement: its backends, controller, client files and raw record.</summary>
    private sealed class Run(IngressTest test, TestInvocation invocation, IngressTestSpec spec, IngressLayout layout)
    {
        private readonly StringBuilder _raw = new();
        private readonly HostFiles _clientFiles = new(layout.Client.Runner, layout.Client.Name);
        private readonly string _scriptDirectory = HostFiles.NewDirectory("cnb-wrk");

        public string Raw => _raw.ToString();

        private IngressTestOptions Options => test.Options;

        public async Task<TestOutcome> DirectAsync(CancellationToken cancellationToken)
        {
            // The ceiling: the client loads an nginx on its own node, no controller and no node crossing in between.
            var started = await StartBackendsAsync([layout.Controller], cancellationToken);
            if (started.Failure is { } failure)
            {
                return failure;
            }

            await using var backends = started.Servers;
            var url = Url(layout.Controller.Address);
            return await WithClientAsync(
                async ct =>
                {
                    var steady = await SteadyAsync(url, null, ct);
                    return steady.Result is { } result ? TestOutcome.Ok(result.ToObservations(), null) : TestOutcome.Failed(steady.Reason!);
                },
                cancellationToken);
        }

        public async Task<TestOutcome> ThroughControllerAsync(string controllerName, CancellationToken cancellationToken)
        {
            var churn = spec.Churn > TimeSpan.Zero;
            var needed = churn ? ScaledBackends : InitialBackends;
            if (layout.Backends.Count < needed)
            {
                return TestOutcome.Unsupported(string.Create(
                    CultureInfo.InvariantCulture,
                    $"the ingress test needs {needed} backend pods off the ingress node, the cluster has {layout.Backends.Count} (lab: nodes 3, podsPerNode 2)"));
            }

            // Configuration first: an Ingress that routes to a missing Service or port fails here, before anything runs.
            if (Options.IngressTemplate is null)
            {
                return TestOutcome.Failed("the Ingress template manifests/workloads/ingress.yaml was not found (run from a CniBench checkout)");
            }

            var endpoints = layout.Backends.Take(needed).Select(b => new IPEndPoint(b.Address, Options.Port)).ToList();
            IngressModel model;
            IngressInputs initial;
            try
            {
                model = IngressModel.FromTemplate(Options.IngressTemplate);
                initial = model.Inputs(endpoints[..InitialBackends], endpoints[..InitialBackends], routeChanged: false);
                if (churn)
                {
                    // Every state the churn phase will reach must be valid too, or the run would fail halfway.
                    _ = model.Inputs(endpoints, endpoints[..InitialBackends], routeChanged: true);
                }
            }
            catch (IngressConfigException ex)
            {
                return TestOutcome.Failed($"ingress configuration error (no load was started): {Detail(ex.Message)}");
            }

            if (controllerName == IngressTestSpec.Yarp && Options.Controllers.YarpDll is null)
            {
                return TestOutcome.Failed("cnibench-ingress is not built: run ./run.sh or 'dotnet build harness/CniBench.Ingress.Yarp -c Release'");
            }

            var started = await StartBackendsAsync(layout.Backends.Take(needed).ToList(), cancellationToken);
            if (started.Failure is { } failure)
            {
                return failure;
            }

            await using var backends = started.Servers;
            await using var controller = IngressController.Create(controllerName, layout.Controller, new IPEndPoint(layout.Controller.Address, Options.Port), Options.Controllers);
            try
            {
                await controller.StartAsync(initial, cancellationToken);
            }
            catch (IngressControllerException ex)
            {
                return TestOutcome.Failed(Detail(ex.Message));
            }

            _raw.Append(CultureInfo.InvariantCulture, $"# {controllerName} on {layout.Controller.Name} ({controller.Directory}), backends {string.Join(", ", layout.Backends.Take(needed).Select(b => b.Name))}\n");
            var url = Url(layout.Controller.Address);
            return await WithClientAsync(
                async ct =>
                {
                    var steady = await SteadyAsync(url, controller, ct);
                    if (steady.Result is not { } result)
                    {
                        return TestOutcome.Failed(steady.Reason! + (controller.Exited() is { } exited ? "; " + exited : ""));
                    }

                    List<Observation> observations = [.. result.ToObservations(), .. steady.ControllerCpu];
                    if (!churn)
                    {
                        return TestOutcome.Ok(observations, null);
                    }

                    var timeline = await ChurnAsync(url, controller, model, endpoints, backends, result, ct);
                    await invocation.Sink.WriteRawAsync(TimelinePath(invocation.RawPath), timeline.ToJson(), ct);
                    if (controller.Exited() is { } died)
                    {
                        return TestOutcome.Failed($"the controller died during churn: {Detail(died)}");
                    }

                    if (timeline.Changes.FirstOrDefault(c => c.Error is not null) is { } broken)
                    {
                        return TestOutcome.Failed($"churn change '{broken.Label}' failed: {Detail(broken.Error!)}");
                    }

                    observations.AddRange(timeline.ToObservations());
                    return TestOutcome.Ok(observations, null);
                },
                cancellationToken);
        }

        /// <summary>raw/&lt;cni&gt;/ingress-&lt;controller&gt;-ingress-r1.json → …-r1-timeline.json.</summary>
        public static string TimelinePath(string rawPath) => Path.ChangeExtension(rawPath, null) + "-timeline.json";

        private async Task<ChurnTimeline> ChurnAsync(
            Uri url, IngressController controller, IngressModel model, List<IPEndPoint> endpoints, BackendSet backends, WrkResult steady, CancellationToken cancellationToken)
        {
            var removed = layout.Backends[ScaledBackends - 1];
            var steps = ChurnSchedule.Create(spec.Churn);
            var slices = (int)Math.Round(spec.Churn / Options.SliceLength);
            _raw.Append(CultureInfo.InvariantCulture, $"# churn: {slices} slices of {Options.SliceLength.TotalSeconds:0.#} s; {string.Join(", ", steps.Select(s => $"{s.Action} at {s.At.TotalSeconds:0.###} s"))}\n");
            var runner = new ChurnRunner(Options.Controllers.Time);
            var (sliceResults, changes) = await runner.RunAsync(
                slices,
                steps,
                async (i, ct) => await SliceAsync(url, i, ct),
                async (step, ct) =>
                {
                    switch (step.Action)
                    {
                        case ChurnAction.ScaleUp:
                            await controller.ApplyAsync(model.Inputs(endpoints, endpoints[..InitialBackends], routeChanged: false), ct);
                            return ChurnSchedule.Label(step.Action);
                        case ChurnAction.RemoveOne:
                            await controller.ApplyAsync(model.Inputs(endpoints[..(ScaledBackends - 1)], endpoints[..InitialBackends], routeChanged: false), ct);
                            return ChurnSchedule.Label(step.Action, removed.Name);
                        case ChurnAction.StopRemoved:
                            await backends.StopAsync(removed);
                            return ChurnSchedule.Label(step.Action, removed.Name);
                        default:
                            await controller.ApplyAsync(model.Inputs(endpoints[..(ScaledBackends - 1)], endpoints[..InitialBackends], routeChanged: true), ct);
                            return ChurnSchedule.Label(step.Action);
                    }
                },
                cancellationToken);
            foreach (var change in changes)
            {
                _raw.Append(CultureInfo.InvariantCulture, $"# change '{change.Label}' at {change.AtSeconds:0.###} s, applied {(change.AppliedSeconds is { } a ? a.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "never")}{(change.Error is null ? "" : ": " + change.Error)}\n");
            }

            var key = invocation.Planned.Key;
            return new ChurnTimeline
            {
                Cni = key.Cni,
                Controller = controller.Name,
                Repetition = key.Repetition,
                SteadyP99Ms = steady.Latency.P99.TotalMilliseconds,
                Slices = sliceResults,
                Changes = changes,
            };
        }

        private async Task<ChurnSlice> SliceAsync(Uri url, int index, CancellationToken cancellationToken)
        {
            var outcome = await WrkAsync($"churn slice {index.ToString(CultureInfo.InvariantCulture)}", url, Options.SliceLength, cancellationToken);
            return outcome switch
            {
                WrkResult r => new ChurnSlice
                {
                    Requests = r.Requests,
                    RequestsPerSecond = r.RequestsPerSecond,
                    ConnectErrors = r.Errors.Connect,
                    ReadErrors = r.Errors.Read,
                    WriteErrors = r.Errors.Write,
                    TimeoutErrors = r.Errors.Timeout,
                    Non2xx = r.Errors.Status,
                    P99Ms = r.Latency.P99.TotalMilliseconds,
                    MaxMs = r.Latency.Max.TotalMilliseconds,
                },
                WrkFailure f => new ChurnSlice { Failure = f.Reason },
                _ => new ChurnSlice { Failure = "no result" },
            };
        }

        private sealed record Steady(WrkResult? Result, string? Reason, IReadOnlyList<Observation> ControllerCpu);

        private async Task<Steady> SteadyAsync(Uri url, IngressController? controller, CancellationToken cancellationToken)
        {
            var warmup = invocation.Planned.Test.Warmup;
            if (warmup > TimeSpan.Zero)
            {
                // Discarded: connections, pools and (for YARP) the JIT settle before the measured run.
                await WrkAsync("warm-up (discarded)", url, warmup, cancellationToken);
            }

            IReadOnlyList<int> pids = controller is null ? [] : await controller.ProcessIdsAsync(cancellationToken);
            var cpuBefore = controller is null ? 0 : await controller.CpuSecondsAsync(pids, cancellationToken);
            var threadsBefore = controller is null ? null : await controller.ThreadCpuSecondsAsync(pids, cancellationToken);
            var measured = await WrkAsync("measured", url, invocation.Planned.Test.Duration, cancellationToken);
            var cpuAfter = controller is null ? 0 : await controller.CpuSecondsAsync(pids, cancellationToken);
            if (controller is not null && threadsBefore is not null)
            {
                // A coarse profile for the raw record: CPU per thread kind (workers, GC, JIT, I/O) over the measured run.
                var threadsAfter = await controller.ThreadCpuSecondsAsync(pids, cancellationToken);
                var spent = threadsAfter.Select(t => (Name: t.Key, Seconds: t.Value - threadsBefore.GetValueOrDefault(t.Key))).Where(t => t.Seconds > 0).OrderByDescending(t => t.Seconds);
                _raw.Append("# controller CPU by thread over the measured run: ")
                    .AppendJoin(", ", spent.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:0.##} s")))
                    .Append('\n');
            }
            if (measured is not WrkResult result)
            {
                return new Steady(null, ((WrkFailure)measured).Reason, []);
            }

            List<Observation> cpu = [];
            if (controller is not null && pids.Count > 0 && cpuAfter >= cpuBefore)
            {
                var seconds = cpuAfter - cpuBefore;
                cpu.Add(new Observation(IngressMetrics.ControllerCpuPercent, seconds / result.Duration.TotalSeconds * 100, Metrics.Percent));
                cpu.Add(new Observation(IngressMetrics.ControllerCpuUsPerRequest, seconds * 1e6 / result.Requests, IngressMetrics.Microseconds));
                _raw.Append(CultureInfo.InvariantCulture, $"# controller pids {string.Join(",", pids)}: {seconds:0.###} CPU s over the measured run\n");
            }

            return new Steady(result, null, cpu);
        }

        private async Task<TestOutcome> WithClientAsync(Func<CancellationToken, Task<TestOutcome>> body, CancellationToken cancellationToken)
        {
            try
            {
                await _clientFiles.CreateDirectoriesAsync([_scriptDirectory], "0700", cancellationToken);
                await _clientFiles.WriteAsync(ScriptPath, WrkTool.Script(null, spec.Connections), cancellationToken);
                return await body(cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ProcessTimeoutException)
            {
                return TestOutcome.Failed($"the load generator on {layout.Client.Name} failed: {Detail(ex.Message)}");
            }
            finally
            {
                await _clientFiles.RemoveQuietlyAsync(_scriptDirectory);
            }
        }

        private string ScriptPath => _scriptDirectory + "/summary.lua";

        private async Task<WrkOutcome> WrkAsync(string label, Uri url, TimeSpan duration, CancellationToken cancellationToken)
        {
            var request = new WrkRequest
            {
                Url = url,
                Duration = duration,
                Threads = spec.Threads,
                Connections = spec.Connections,
                CloseConnections = spec.ConnectionMode == HttpTestSpec.Close,
                RequestTimeout = Options.RequestTimeout,
                ScriptPath = ScriptPath,
            };
            var command = WrkTool.Command(request) with { Timeout = WrkTool.ExpectedRunTime(request) + Options.ClientTimeoutMargin };
            _raw.Append(CultureInfo.InvariantCulture, $"# {label}: {command}\n");
            ProcessResult result;
            try
            {
                result = await layout.Client.Runner.RunAsync(command, cancellationToken);
            }
            catch (ProcessTimeoutException)
            {
                var reason = string.Create(CultureInfo.InvariantCulture, $"wrk on {layout.Client.Name} did not finish within {command.Timeout.TotalSeconds:0.#} s");
                _raw.Append("# ").Append(reason).Append('\n');
                return new WrkFailure(reason);
            }

            _raw.Append(result.StandardOutput).Append("# stderr\n").Append(result.StandardError).Append('\n');
            return WrkOutputParser.Parse(result.StandardOutput, result.StandardError);
        }

        private Uri Url(IPAddress address) => new(string.Create(
            CultureInfo.InvariantCulture,
            $"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{Options.Port}{NginxServer.PathOf(spec.PayloadBytes)}"));

        private async Task<(BackendSet Servers, TestOutcome? Failure)> StartBackendsAsync(IReadOnlyList<IWorkloadHost> hosts, CancellationToken cancellationToken)
        {
            var set = new BackendSet();
            foreach (var host in hosts)
            {
                try
                {
                    set.Add(host, await NginxServer.StartAsync(host, Options.Port, [spec.PayloadBytes], Options.BackendReadyTimeout, cancellationToken));
                }
                catch (Exception ex) when (ex is InvalidOperationException or ProcessTimeoutException or ToolMissingException)
                {
                    await set.DisposeAsync();
                    return (set, ex is ToolMissingException
                        ? TestOutcome.Failed(ex.Message)
                        : TestOutcome.Failed($"backend nginx on {host.Name} did not start: {Detail(ex.Message)}"));
                }
            }

            return (set, null);
        }
    }

    /// <summary>The backend servers of one measurement; one can be stopped early (the removed pod), the rest stop on disposal.</summary>
    private sealed class BackendSet : IAsyncDisposable
    {
        private readonly List<(IWorkloadHost Host, NginxServer Server)> _servers = [];

        public void Add(IWorkloadHost host, NginxServer server) => _servers.Add((host, server));

        public async Task StopAsync(IWorkloadHost host)
        {
            var index = _servers.FindIndex(s => s.Host == host);
            if (index >= 0)
            {
                var server = _servers[index].Server;
                _servers.RemoveAt(index);
                await server.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (_, server) in _servers)
            {
                await server.DisposeAsync();
            }

            _servers.Clear();
        }
    }
}
