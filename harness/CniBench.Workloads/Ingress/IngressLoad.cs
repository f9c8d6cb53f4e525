using System.Globalization;
using System.Net;
using System.Text;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>Where wrk sends requests: the URL, and the address it connects to when the URL names a host (null: the URL's own).</summary>
internal sealed record LoadTarget(Uri Url, IPEndPoint? ConnectTo);

/// <summary>The steady phase's wrk result (or why there is none) and the controller's CPU over it, when it was measured.</summary>
internal sealed record SteadyLoad(WrkResult? Result, string? Reason, IReadOnlyList<Observation> ControllerCpu);

/// <summary>
/// The load side of one ingress measurement, the same in the lab and on a real cluster: the nginx backends, wrk in
/// the client pod (warm-up, measured run, 1-second churn slices), and the raw record of every command and output.
/// </summary>
internal sealed class IngressLoad(IngressKindOptions options, TestInvocation invocation, IngressTestSpec spec, IWorkloadHost client)
{
    private const int MaxDetailLength = 400;

    private readonly StringBuilder _raw = new();
    private readonly HostFiles _clientFiles = new(client.Runner, client.Name);
    private readonly string _scriptDirectory = HostFiles.NewDirectory("cnb-wrk");

    public string Raw => _raw.ToString();

    private string ScriptPath => _scriptDirectory + "/summary.lua";

    /// <summary>Error text cut to one line of reasonable length for a results row.</summary>
    public static string Detail(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" ");
        return trimmed.Length <= MaxDetailLength ? trimmed : string.Concat(trimmed.AsSpan(0, MaxDetailLength - 1), "…");
    }

    /// <summary>raw/&lt;cni&gt;/ingress-&lt;controller&gt;-ingress-r1.json → …-r1-timeline.json.</summary>
    public static string TimelinePath(string rawPath) => Path.ChangeExtension(rawPath, null) + "-timeline.json";

    public void Note(string line) => _raw.Append("# ").Append(line).Append('\n');

    /// <summary>
    /// Where wrk loads the payload: plain HTTP to <paramref name="address"/>:<paramref name="port"/>; with
    /// <paramref name="tls"/>, https to the Ingress host on that port, connected to the address, so the TLS server name
    /// (SNI) and the Host header are the host the certificate and the Ingress's <c>tls:</c> section name.
    /// </summary>
    public LoadTarget Target(IPAddress address, int port, bool tls = false)
    {
        var path = NginxServer.PathOf(spec.PayloadBytes);
        return tls
            ? new LoadTarget(new Uri(string.Create(CultureInfo.InvariantCulture, $"https://{IngressModel.Host}:{port}{path}")), new IPEndPoint(address, port))
            : new LoadTarget(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{new IPEndPoint(address, port)}{path}")), null);
    }

    /// <summary>Puts wrk's script for <paramref name="target"/> into the client pod, runs <paramref name="body"/>, and removes the script again.</summary>
    public async Task<TestOutcome> WithClientAsync(LoadTarget target, Func<CancellationToken, Task<TestOutcome>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            await _clientFiles.CreateDirectoriesAsync([_scriptDirectory], "0700", cancellationToken);
            await _clientFiles.WriteAsync(ScriptPath, WrkTool.Script(null, spec.Connections, target.ConnectTo), cancellationToken);
            return await body(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ProcessTimeoutException)
        {
            return TestOutcome.Failed($"the load generator on {client.Name} failed: {Detail(ex.Message)}");
        }
        finally
        {
            await _clientFiles.RemoveQuietlyAsync(_scriptDirectory);
        }
    }

    /// <summary>nginx on each host serving the payload; on the first that fails, the started ones are stopped and the failure returned.</summary>
    public async Task<(BackendSet Servers, TestOutcome? Failure)> StartBackendsAsync(IReadOnlyList<IWorkloadHost> hosts, CancellationToken cancellationToken)
    {
        var set = new BackendSet();
        foreach (var host in hosts)
        {
            try
            {
                set.Add(host, await NginxServer.StartAsync(host, options.Port, [spec.PayloadBytes], options.BackendReadyTimeout, cancellationToken));
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

    /// <summary>A discarded warm-up, then the measured wrk run; with a lab controller, also its CPU and a per-thread profile for the raw record.</summary>
    public async Task<SteadyLoad> SteadyAsync(Uri url, IngressController? controller, CancellationToken cancellationToken)
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
            Note("controller CPU by thread over the measured run: " + string.Join(", ", spent.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:0.##} s"))));
        }

        if (measured is not WrkResult result)
        {
            return new SteadyLoad(null, ((WrkFailure)measured).Reason, []);
        }

        List<Observation> cpu = [];
        if (controller is not null && pids.Count > 0 && cpuAfter >= cpuBefore)
        {
            var seconds = cpuAfter - cpuBefore;
            cpu.Add(new Observation(IngressMetrics.ControllerCpuPercent, seconds / result.Duration.TotalSeconds * 100, Metrics.Percent));
            cpu.Add(new Observation(IngressMetrics.ControllerCpuUsPerRequest, seconds * 1e6 / result.Requests, Metrics.Microseconds));
            Note(string.Create(CultureInfo.InvariantCulture, $"controller pids {string.Join(",", pids)}: {seconds:0.###} CPU s over the measured run"));
        }

        return new SteadyLoad(result, null, cpu);
    }

    /// <summary>
    /// The churn phase: back-to-back slices while <paramref name="apply"/> makes each scheduled change; every change
    /// and its confirmation time goes into the raw record.
    /// </summary>
    public async Task<ChurnTimeline> ChurnAsync(
        Uri url, string controllerName, WrkResult steady, Func<ChurnStep, CancellationToken, Task<string>> apply, CancellationToken cancellationToken)
    {
        var steps = ChurnSchedule.Create(spec.Churn);
        var slices = (int)Math.Round(spec.Churn / options.SliceLength);
        Note(string.Create(CultureInfo.InvariantCulture, $"churn: {slices} slices of {options.SliceLength.TotalSeconds:0.#} s; {string.Join(", ", steps.Select(s => $"{s.Action} at {s.At.TotalSeconds:0.###} s"))}"));
        var runner = new ChurnRunner(options.Controllers.Time);
        var (sliceResults, changes) = await runner.RunAsync(slices, steps, async (i, ct) => await SliceAsync(url, i, ct), apply, cancellationToken);
        foreach (var change in changes)
        {
            Note(string.Create(
                CultureInfo.InvariantCulture,
                $"change '{change.Label}' at {change.AtSeconds:0.###} s, applied {(change.AppliedSeconds is { } a ? a.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "never")}{(change.Error is null ? "" : ": " + change.Error)}"));
        }

        var key = invocation.Planned.Key;
        return new ChurnTimeline
        {
            Cni = key.Cni,
            Controller = controllerName,
            Repetition = key.Repetition,
            SteadyP99Ms = steady.Latency.P99.TotalMilliseconds,
            Slices = sliceResults,
            Changes = changes,
        };
    }

    /// <summary>One wrk slice of <see cref="IngressKindOptions.SliceLength"/>, as a churn timeline entry.</summary>
    public async Task<ChurnSlice> SliceAsync(Uri url, int index, CancellationToken cancellationToken) =>
        await WrkAsync($"churn slice {index.ToString(CultureInfo.InvariantCulture)}", url, options.SliceLength, cancellationToken) switch
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

    /// <summary>wrk for <paramref name="duration"/> against <paramref name="url"/>, bounded by its own length plus a margin.</summary>
    public async Task<WrkOutcome> WrkAsync(string label, Uri url, TimeSpan duration, CancellationToken cancellationToken)
    {
        var request = new WrkRequest
        {
            Url = url,
            Duration = duration,
            Threads = spec.Threads,
            Connections = spec.Connections,
            CloseConnections = spec.ConnectionMode == HttpTestSpec.Close,
            RequestTimeout = options.RequestTimeout,
            ScriptPath = ScriptPath,
        };
        var command = WrkTool.Command(request) with { Timeout = WrkTool.ExpectedRunTime(request) + options.ClientTimeoutMargin };
        Note($"{label}: {command}");
        ProcessResult result;
        try
        {
            result = await client.Runner.RunAsync(command, cancellationToken);
        }
        catch (ProcessTimeoutException)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"wrk on {client.Name} did not finish within {command.Timeout.TotalSeconds:0.#} s");
            Note(reason);
            return new WrkFailure(reason);
        }

        _raw.Append(result.StandardOutput).Append("# stderr\n").Append(result.StandardError).Append('\n');
        return WrkOutputParser.Parse(result.StandardOutput, result.StandardError);
    }
}

/// <summary>The backend servers of one measurement; one can be stopped early (the removed pod), the rest stop on disposal.</summary>
internal sealed class BackendSet : IAsyncDisposable
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
