using System.Globalization;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Http;

/// <summary>What one wrk run should do against one URL.</summary>
public sealed record WrkRequest
{
    public required Uri Url { get; init; }

    public required TimeSpan Duration { get; init; }

    public int Threads { get; init; } = 2;

    public int Connections { get; init; } = 32;

    /// <summary>Send <c>Connection: close</c>, so the server closes after each response and wrk reconnects for the next request.</summary>
    public bool CloseConnections { get; init; }

    /// <summary>wrk's per-request timeout (whole seconds, as wrk reads it): a response slower than this counts as a timeout error.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The Lua script (see <see cref="WrkTool.Script"/>) on the client's file system.</summary>
    public required string ScriptPath { get; init; }
}

/// <summary>
/// Typed argv for wrk 4.1 (Debian), run under GNU time so the generator's own CPU is measured with it. Pure: nothing runs here.
/// </summary>
public static class WrkTool
{
    public const string Program = "wrk";

    /// <summary>GNU time (Debian package <c>time</c>), not the shell keyword: it prints the child's CPU times on stderr.</summary>
    public const string TimeProgram = "time";

    /// <summary>Prefix of the one line the script's <c>done()</c> prints: a JSON summary of the run.</summary>
    public const string SummaryMarker = "CNIBENCH_WRK ";

    /// <summary>Prefix of GNU time's line: user seconds, system seconds, elapsed seconds.</summary>
    public const string TimeMarker = "CNIBENCH_TIME ";

    public static ProcessSpec Command(WrkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Threads < 1 || request.Connections < request.Threads)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "wrk needs at least one thread and at least one connection per thread");
        }

        if (request.Duration < TimeSpan.FromSeconds(1) || request.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "wrk needs a duration of at least 1 s and a positive request timeout");
        }

        List<string> args =
        [
            "-f", TimeMarker + "%U %S %e",
            Program,
            "-t", Format(request.Threads),
            "-c", Format(request.Connections),
            "-d", Format(WholeSeconds(request.Duration)) + "s",
            "--timeout", Format(WholeSeconds(request.RequestTimeout)) + "s",
            "--latency",
            "-s", request.ScriptPath,
        ];
        if (request.CloseConnections)
        {
            args.AddRange(["-H", "Connection: close"]);
        }

        args.Add(request.Url.ToString());
        return new ProcessSpec(TimeProgram, args);
    }

    /// <summary>How long wrk itself will run: <c>-d</c> as it will read it.</summary>
    public static TimeSpan ExpectedRunTime(WrkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TimeSpan.FromSeconds(WholeSeconds(request.Duration));
    }

    /// <summary>
    /// The Lua script wrk loads: <c>done()</c> prints one JSON line with wrk's own totals and latency percentiles (µs).
    /// With <paramref name="requestsPerSecond"/> it also defines <c>delay()</c>, wrk's pacing hook: each connection
    /// waits before every request, so the whole run offers about that rate. wrk takes the delay in whole
    /// milliseconds, so the script alternates between the two neighbouring whole values to hit the mean.
    /// With <paramref name="connectTo"/> it replaces <c>wrk.resolve</c>: wrk connects there, while the URL's host name
    /// (which has no DNS entry) stays the Host header and the TLS server name (SNI).
    /// </summary>
    public static string Script(double? requestsPerSecond, int connections, System.Net.IPEndPoint? connectTo = null)
    {
        var resolve = connectTo is null ? "" : string.Create(CultureInfo.InvariantCulture, $$"""
            function wrk.resolve(host, service)
              wrk.addrs = wrk.lookup("{{connectTo.Address}}", "{{connectTo.Port}}")
            end

            """);
        var pacing = "";
        if (requestsPerSecond is { } rate)
        {
            if (!(rate > 0) || connections < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), "a paced rate must be positive with at least one connection");
            }

            var meanDelayMs = connections * 1000.0 / rate;
            pacing = string.Create(CultureInfo.InvariantCulture, $$"""
                local mean_delay_ms = {{meanDelayMs:0.######}}

                function delay()
                  local whole = math.floor(mean_delay_ms)
                  if math.random() < mean_delay_ms - whole then
                    return whole + 1
                  end
                  return whole
                end

                """);
        }

        return "-- Written by CniBench for one wrk run.\n" + resolve + pacing + """
            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format(
                'CNIBENCH_WRK {"requests":%d,"bytes":%d,"duration_us":%d,'
                .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
                .. '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
                summary.requests, summary.bytes, summary.duration,
                e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
            end

            """;
    }

    // wrk reads -d and --timeout as whole numbers of seconds (it knows no ms unit); round up so a run is never shorter than asked.
    private static long WholeSeconds(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalSeconds));

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
