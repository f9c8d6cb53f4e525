using System.Net;
using System.Net.Sockets;
using CniBench.Lab.Probes;

namespace CniBench.Lab.Capture;

/// <summary>
/// Samples every frame crossing a lab namespace (its switch: the underlay bridge and its ports) with an
/// AF_PACKET socket, on a dedicated thread, until stopped or a bound is reached, then looks for a plaintext
/// marker. It only listens: nothing is sent, and only the namespace it is given is read.
/// </summary>
public sealed class WireSampler : IAsyncDisposable
{
    /// <summary>The OS-visible name of the receive thread, so tests can see it is gone.</summary>
    public const string ThreadName = "cnb-wire";

    // Linux ABI: ETH_P_ALL (every protocol), SOL_PACKET and PACKET_IGNORE_OUTGOING (since 4.20).
    private const short EthPAll = 0x0003;
    private const int SolPacket = 263;
    private const int PacketIgnoreOutgoing = 23;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly WireSamplerOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _marker;
    private readonly FrameBuffer _frames;
    private readonly Thread _thread;
    private readonly TaskCompletionSource<WireSample> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;

    private WireSampler(Socket socket, WireSamplerOptions options, ReadOnlySpan<byte> marker, TimeProvider time)
    {
        _socket = socket;
        _options = options;
        _time = time;
        _marker = marker.ToArray();
        _frames = new FrameBuffer(options.MaxFrames, options.SnapBytes, options.MaxBytes);
        _thread = new Thread(Receive) { IsBackground = true, Name = ThreadName };
    }

    /// <summary>Whether the receive thread still exists.</summary>
    public bool IsRunning => _thread.IsAlive;

    /// <summary>
    /// Opens the capture in <c>/run/netns/&lt;netnsName&gt;</c> and starts receiving. Throws when the socket
    /// cannot be opened (no such namespace, no CAP_NET_RAW): the caller decides what that means.
    /// </summary>
    public static async Task<WireSampler> StartAsync(
        string netnsName,
        ReadOnlyMemory<byte> marker,
        WireSamplerOptions options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        if (marker.IsEmpty || marker.Length > options.SnapBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(marker), marker.Length, "the marker must be 1..SnapBytes bytes");
        }

        // The socket is bound to the namespace it is created in: only its creation needs the setns thread.
        var socket = await NetnsThread.RunAsync(netnsName, () => Open(options), cancellationToken);
        var sampler = new WireSampler(socket, options, marker.Span, time);
        sampler._thread.Start();
        return sampler;
    }

    /// <summary>
    /// Stops the loop (it notices within one poll interval), waits for its thread to end, and searches what it
    /// kept. The loop is told to stop before anything can throw, so it ends even when this is cancelled.
    /// </summary>
    public async Task<WireSample> StopAsync(CancellationToken cancellationToken)
    {
        _stopRequested = true;
        var sample = await _finished.Task.WaitAsync(StopTimeout, _time, cancellationToken);
        // The loop's last act is to complete the task; the thread is a few instructions from its end.
        _ = _thread.Join(StopTimeout);
        return sample;
    }

    public async ValueTask DisposeAsync()
    {
        _stopRequested = true;
        if (_thread.ThreadState != ThreadState.Unstarted)
        {
            try
            {
                _ = await StopAsync(CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // The thread is a background thread with a closed socket: it cannot outlive the process.
            }
        }

        _socket.Dispose();
    }

    private static Socket Open(WireSamplerOptions options)
    {
        var socket = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)IPAddress.HostToNetworkOrder(EthPAll));
        try
        {
            // A bridged frame is seen twice, arriving on one port and leaving by another: keep the arrival only.
            // Best effort: a kernel without it double-counts frames, which changes no finding about the marker.
            try
            {
                socket.SetRawSocketOption(SolPacket, PacketIgnoreOutgoing, BitConverter.GetBytes(1));
            }
            catch (SocketException)
            {
            }

            socket.ReceiveTimeout = (int)Math.Ceiling(options.PollInterval.TotalMilliseconds);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Receive()
    {
        WireSample sample;
        try
        {
            var end = Loop(out var error);
            // The socket goes as soon as the loop ends, so a bound reached early stops taxing the datapath.
            _socket.Dispose();
            sample = new WireSample(_frames.Count, _frames.BytesKept, _frames.AnyFrameContains(_marker), end) { Error = error, DataFramesSampled = _frames.DataFrames };
        }
        catch (Exception unexpected)
        {
            _socket.Dispose();
            sample = new WireSample(_frames.Count, _frames.BytesKept, false, WireSampleEnd.Failed) { Error = unexpected.Message };
        }

        _finished.SetResult(sample);
    }

    private WireSampleEnd Loop(out string? error)
    {
        error = null;
        var started = _time.GetTimestamp();
        while (true)
        {
            if (_stopRequested)
            {
                return WireSampleEnd.Stopped;
            }

            if (_frames.Limit is { } limit)
            {
                return limit;
            }

            if (_time.GetElapsedTime(started) >= _options.MaxDuration)
            {
                return WireSampleEnd.TimeLimit;
            }

            try
            {
                // A frame longer than the slot is cut to it: the kernel copies only what fits.
                _frames.Commit(_socket.Receive(_frames.NextSlot()));
            }
            catch (SocketException timeout) when (timeout.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
            {
            }
            catch (SocketException failure)
            {
                error = $"receive failed: {failure.Message} ({failure.SocketErrorCode})";
                return WireSampleEnd.Failed;
            }
        }
    }
}
