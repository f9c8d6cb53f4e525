using System.Globalization;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Iperf3;

/// <summary>Typed argv for the iperf3 CLI (3.12 is what the lab ships). Pure: nothing runs here.</summary>
public static class Iperf3Tool
{
    public const string Program = "iperf3";

    public const int DefaultPort = 5201;

    /// <summary>What the server prints once its listening socket is open.</summary>
    public const string ListeningMarker = "Server listening";

    /// <summary>The client flag that makes the payload a repeating digit pattern (3.12 has it).</summary>
    public const string RepeatingPayload = "--repeating-payload";

    /// <summary>
    /// A one-off server (<c>-1</c>) so that every repetition is its own process pair. <c>--forceflush</c>
    /// because stdout is a pipe: without it the listening line sits in a block buffer and readiness never shows.
    /// </summary>
    public static ProcessSpec Server(int port)
    {
        ValidatePort(port);
        return new ProcessSpec(Program, ["-s", "-1", "-p", Format(port), "--forceflush"]);
    }

    public static ProcessSpec Client(Iperf3ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidatePort(options.Port);
        var request = options.Request;
        if (request.Streams < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), request.Streams, "iperf3 needs at least one stream");
        }

        if (request.Duration <= TimeSpan.Zero || request.Warmup < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "iperf3 needs a positive duration and a non-negative warm-up");
        }

        if (request.UdpBitrateBps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), request.UdpBitrateBps, "a UDP bitrate must be positive");
        }

        if (request.TcpPacedBitrateBps is <= 0 || (request.TcpPacedBitrateBps is not null && request.IsUdp))
        {
            throw new ArgumentOutOfRangeException(nameof(options), request.TcpPacedBitrateBps, "a TCP pacing rate must be positive and only for TCP");
        }

        List<string> args =
        [
            "-c", options.Server.ToString(),
            "-p", Format(options.Port),
            "-J",
            "-t", Format(WholeSeconds(request.Duration, minimum: 1)),
            "-O", Format(WholeSeconds(request.Warmup, minimum: 0)),
        ];
        if (request.Streams > 1)
        {
            args.AddRange(["-P", Format(request.Streams)]);
        }

        if (request.UdpBitrateBps is { } bitrate)
        {
            // iperf3's -b is per stream; the request's rate is the total offered load.
            var perStream = (bitrate + request.Streams - 1) / request.Streams;
            args.AddRange(["-u", "-b", Format(perStream)]);
            if (request.UdpPayloadBytes is { } payload)
            {
                args.AddRange(["-l", Format(payload)]);
            }
        }
        else if (request.TcpPacedBitrateBps is { } paced)
        {
            args.AddRange(["-b", Format((paced + request.Streams - 1) / request.Streams)]);
        }

        args.AddRange(["--connect-timeout", Format((long)Math.Ceiling(options.ConnectTimeout.TotalMilliseconds))]);

        // A known plaintext ("0123456789" repeated) instead of random bytes, so the lab's wire check can tell
        // whether a datapath really encrypts: the marker must show on an unencrypted underlay and nowhere else.
        args.Add(RepeatingPayload);
        return new ProcessSpec(Program, args);
    }

    /// <summary>How long iperf3 itself will run: <c>-t</c> and <c>-O</c> as it will read them.</summary>
    public static TimeSpan ExpectedRunTime(Iperf3Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TimeSpan.FromSeconds(WholeSeconds(request.Duration, 1) + WholeSeconds(request.Warmup, 0));
    }

    // iperf3 3.12 reads -t and -O with atoi: a fraction would be silently dropped, so round up instead.
    private static long WholeSeconds(TimeSpan value, long minimum) =>
        Math.Max(minimum, (long)Math.Ceiling(value.TotalSeconds));

    private static void ValidatePort(int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "not a TCP port");
        }
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
