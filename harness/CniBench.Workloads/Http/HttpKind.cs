using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Http;

/// <summary>Knobs of the http test that do not change between measurements.</summary>
public sealed record HttpKindOptions
{
    public const int DefaultPort = 8080;

    public int Port { get; init; } = DefaultPort;

    /// <summary>How long nginx may take to log that its worker runs.</summary>
    public TimeSpan ServerReadyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>wrk's per-request timeout; slower responses count as timeout errors.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Added to wrk's own length before it is deemed hung and killed.</summary>
    public TimeSpan ClientTimeoutMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A fixed-rate run with no saturation figure to halve first measures one this long.</summary>
    public TimeSpan SaturationProbeDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Fixed-rate variants offer this share of the saturation rate.</summary>
    public double FixedRateShare { get; init; } = 0.5;

    public static HttpKindOptions Default { get; } = new();
}

/// <summary>
/// HTTP requests per second and latency: a private nginx on the server pod serves a fixed payload, wrk in the
/// client pod loads it, either flat out (saturation) or paced at half of the last saturation rate (fixed rate).
/// Every failure becomes a failed outcome with a short reason; only the caller's cancellation escapes.
/// </summary>
public sealed class HttpKind(HttpKindOptions options) : ITestKind
{
    public const string TestName = "http";

    private const int MaxDetailLength = 300;

    /// <summary>Last saturation rate per (cluster, topology, payload, connection mode).</summary>
    private readonly ConcurrentDictionary<string, double> _saturation = new(StringComparer.Ordinal);

    public HttpKind()
        : this(HttpKindOptions.Default)
    {
    }

    public HttpKindOptions Options { get; } = options;

    public string Name => TestName;

    public string PrimaryMetric => Metrics.RequestsPerSecond;

    public IReadOnlyList<ServicePort> ServicePorts => [ServicePort.Tcp(Options.Port)];

    public ValueTask ReleaseAsync(ICluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        foreach (var key in _saturation.Keys.Where(k => k.StartsWith(cluster.Cni + "|", StringComparison.Ordinal)))
        {
            _saturation.TryRemove(key, out _);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.Planned.Variant.ParametersAs<HttpVariant>() is not { } variant)
        {
            return TestOutcome.Failed($"http variant '{invocation.Planned.Variant.Name}' has no payload, connection mode or load mode");
        }

        var spec = invocation.Planned.Test;
        var http = spec.SettingsAs<HttpTestSpec>();
        NginxServer server;
        try
        {
            server = await NginxServer.StartAsync(invocation.Server, Options.Port, [variant.PayloadBytes], Options.ServerReadyTimeout, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
        catch (ProcessTimeoutException)
        {
            return TestOutcome.Failed(string.Create(
                CultureInfo.InvariantCulture,
                $"nginx on {invocation.Server.Name} did not report its worker within {Options.ServerReadyTimeout.TotalSeconds:0.#} s"));
        }
        catch (Exception ex)
        {
            return TestOutcome.Failed($"nginx on {invocation.Server.Name} did not start: {Detail(ex.Message)}");
        }

        await using (server)
        {
            var client = new HttpClientSide(invocation.Client, this, new Uri($"http://{UrlHost(invocation.Target)}:{Options.Port.ToString(CultureInfo.InvariantCulture)}{NginxServer.PathOf(variant.PayloadBytes)}"), http, variant);
            return await client.RunAsync(invocation, server, cancellationToken);
        }
    }

    private static string UrlHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static string SaturationKey(MeasurementKey key, HttpVariant variant) =>
        string.Create(CultureInfo.InvariantCulture, $"{key.Cni}|{key.Topology}|{variant.PayloadBytes}|{variant.ConnectionMode}");

    private static string Detail(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" ");
        return trimmed.Length <= MaxDetailLength ? trimmed : string.Concat("…", trimmed.AsSpan(trimmed.Length - MaxDetailLength + 1));
    }

    /// <summary>The client's part of one measurement: its script directory, the wrk runs, and the raw record of them.</summary>
    private sealed class HttpClientSide(IWorkloadHost host, HttpKind test, Uri url, HttpTestSpec http, HttpVariant variant)
    {
        private readonly HostFiles _files = new(host.Runner, host.Name);
        private readonly StringBuilder _raw = new();
        private readonly string _directory = HostFiles.NewDirectory("cnb-wrk");

        public async Task<TestOutcome> RunAsync(TestInvocation invocation, NginxServer server, CancellationToken cancellationToken)
        {
            var rawPath = Path.ChangeExtension(invocation.RawPath, ".txt");
            try
            {
                await _files.CreateDirectoriesAsync([_directory], "0700", cancellationToken);
                var outcome = await MeasureAsync(invocation, server, cancellationToken);
                var rawFile = await invocation.Sink.WriteRawAsync(rawPath, _raw.ToString(), cancellationToken);
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
            catch (Exception ex) when (ex is InvalidOperationException or ProcessTimeoutException)
            {
                return TestOutcome.Failed($"preparing wrk on {host.Name} failed: {Detail(ex.Message)}");
            }
            finally
            {
                await _files.RemoveQuietlyAsync(_directory);
            }
        }

        private async Task<TestOutcome> MeasureAsync(TestInvocation invocation, NginxServer server, CancellationToken cancellationToken)
        {
            var spec = invocation.Planned.Test;
            var key = SaturationKey(invocation.Planned.Key, variant);
            double? rate = null;
            var warmup = spec.Warmup;
            if (variant.LoadMode == HttpTestSpec.FixedRate)
            {
                if (!test._saturation.TryGetValue(key, out var saturation))
                {
                    var probe = await RunWrkAsync("saturation probe", test.Options.SaturationProbeDuration, null, server, cancellationToken);
                    if (probe is not WrkResult probed)
                    {
                        return TestOutcome.Failed($"the saturation probe before the fixed-rate run failed: {((WrkFailure)probe).Reason}");
                    }

                    saturation = probed.RequestsPerSecond;
                    test._saturation[key] = saturation;
                    // The probe already warmed the path up.
                    warmup = TimeSpan.Zero;
                }

                rate = saturation * test.Options.FixedRateShare;
            }

            if (warmup > TimeSpan.Zero)
            {
                // Figures discarded: connections, caches and the server's worker settle before the measured run.
                await RunWrkAsync("warm-up (discarded)", warmup, rate, server, cancellationToken);
            }

            var measured = await RunWrkAsync("measured", spec.Duration, rate, server, cancellationToken);
            if (measured is not WrkResult result)
            {
                test._saturation.TryRemove(key, out _);
                return TestOutcome.Failed(((WrkFailure)measured).Reason);
            }

            List<Observation> observations = [.. result.ToObservations()];
            if (rate is { } target)
            {
                observations.Add(new Observation(HttpMetrics.TargetRequestsPerSecond, target, Metrics.RequestsPerSecondUnit));
            }
            else
            {
                test._saturation[key] = result.RequestsPerSecond;
            }

            return TestOutcome.Ok(observations, null);
        }

        private async Task<WrkOutcome> RunWrkAsync(string label, TimeSpan duration, double? rate, NginxServer server, CancellationToken cancellationToken)
        {
            var scriptPath = $"{_directory}/{(rate is null ? "saturation" : "paced")}.lua";
            await _files.WriteAsync(scriptPath, WrkTool.Script(rate, http.Connections), cancellationToken);
            var request = new WrkRequest
            {
                Url = url,
                Duration = duration,
                Threads = http.Threads,
                Connections = http.Connections,
                CloseConnections = variant.ConnectionMode == HttpTestSpec.Close,
                RequestTimeout = test.Options.RequestTimeout,
                ScriptPath = scriptPath,
            };
            var command = WrkTool.Command(request) with { Timeout = WrkTool.ExpectedRunTime(request) + test.Options.ClientTimeoutMargin };
            _raw.Append(CultureInfo.InvariantCulture, $"# {label}: {command}\n");
            if (rate is { } r)
            {
                _raw.Append(CultureInfo.InvariantCulture, $"# paced at {r:0.#} requests/s in total\n");
            }

            ProcessResult result;
            try
            {
                result = await host.Runner.RunAsync(command, cancellationToken);
            }
            catch (ProcessTimeoutException)
            {
                var reason = string.Create(CultureInfo.InvariantCulture, $"wrk on {host.Name} did not finish within {command.Timeout.TotalSeconds:0.#} s{server.State()}");
                _raw.Append("# ").Append(reason).Append('\n');
                return new WrkFailure(reason);
            }

            _raw.Append(result.StandardOutput).Append("# stderr\n").Append(result.StandardError).Append('\n');
            if (result.StandardError.Contains("cannot run wrk", StringComparison.Ordinal))
            {
                return new WrkFailure($"'{WrkTool.Program}' is not installed on {host.Name}: install the Debian package 'wrk' (apt-get install wrk) or run ./run.sh, which installs it");
            }

            var parsed = WrkOutputParser.Parse(result.StandardOutput, result.StandardError);
            return parsed switch
            {
                WrkFailure failure => new WrkFailure(failure.Reason + server.State()),
                _ when !result.Succeeded => new WrkFailure(
                    $"wrk exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)} despite a summary{server.State()}"),
                _ => parsed,
            };
        }
    }
}
