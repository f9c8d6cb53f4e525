using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Probes;

/// <summary>
/// Listeners and probes opened inside lab pod namespaces from the harness process: one namespace switch per
/// pod for its listeners, one per batch of a source pod's probes; everything after that is plain async socket
/// I/O, so a round of thousands of probes costs milliseconds plus the slowest timeout, not a process each.
/// </summary>
public sealed class NamespaceProbeEngine : IProbeEngine
{
    /// <summary>Probes in flight at once, across all sources; also bounds the sockets the engine holds open.</summary>
    public const int DefaultMaxInFlight = 2048;

    /// <summary>Largest batch of one source's probes created in one namespace switch and sharing one deadline.</summary>
    private const int BatchSize = 256;

    private const int ListenBacklog = 4096;
    private const ProtocolType SctpProtocol = (ProtocolType)132;

    private readonly FrozenDictionary<string, string> _podNamespaces;
    private readonly TimeProvider _time;
    private readonly int _maxInFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Pod, int Port, NetpolProtocol Protocol), Listener> _listeners = [];
    private readonly List<ListenerStatus> _statuses = [];
    private int _disposed;

    /// <param name="podNamespaces">Pod id ("x/a") → network namespace name as in /run/netns.</param>
    public NamespaceProbeEngine(IReadOnlyDictionary<string, string> podNamespaces, TimeProvider? timeProvider = null, int maxInFlight = DefaultMaxInFlight)
    {
        ArgumentNullException.ThrowIfNull(podNamespaces);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        foreach (var (pod, ns) in podNamespaces)
        {
            _ = NetnsThread.PathOf(ns);
            if (string.IsNullOrEmpty(pod))
            {
                throw new ArgumentException("a pod id is empty", nameof(podNamespaces));
            }
        }

        _podNamespaces = podNamespaces.ToFrozenDictionary(StringComparer.Ordinal);
        _time = timeProvider ?? TimeProvider.System;
        _maxInFlight = maxInFlight;
    }

    /// <summary>Every listener asked for so far, in order: serving or the reason it is not.</summary>
    public IReadOnlyList<ListenerStatus> Listeners
    {
        get
        {
            lock (_gate)
            {
                return [.. _statuses];
            }
        }
    }

    public async Task StartListenersAsync(IReadOnlyList<ListenerSpec> listeners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        foreach (var spec in listeners)
        {
            _ = NamespaceOf(spec.Pod, nameof(listeners));
            foreach (var port in spec.Ports)
            {
                ValidatePort(port.Port, nameof(listeners));
            }
        }

        var wanted = listeners
            .GroupBy(l => l.Pod, StringComparer.Ordinal)
            .Select(g => (Pod: g.Key, Ports: g.SelectMany(l => l.Ports).Select(p => (p.Port, p.Protocol)).Distinct().Where(p => !IsKnown(g.Key, p.Port, p.Protocol)).ToArray()))
            .Where(p => p.Ports.Length > 0)
            .ToArray();
        var opened = await Task.WhenAll(wanted.Select(pod =>
            NetnsThread.RunAsync(_podNamespaces[pod.Pod], () => OpenListeners(pod.Pod, pod.Ports), cancellationToken)));

        var failures = new List<string>();
        lock (_gate)
        {
            foreach (var (pod, attempts) in wanted.Zip(opened, (w, o) => (w.Pod, o)))
            {
                foreach (var attempt in attempts)
                {
                    Register(pod, attempt, failures);
                }
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("cannot start listeners: " + string.Join("; ", failures));
        }
    }

    public async Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<ProbeRequest> probes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        foreach (var probe in probes)
        {
            Validate(probe, nameof(probes));
        }

        var results = new ProbeResult[probes.Count];
        if (probes.Count == 0)
        {
            return results;
        }

        var batches = probes
            .Select((probe, index) => (Probe: probe, Index: index))
            .GroupBy(p => p.Probe.From, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(BatchSize))
            .ToArray();
        var largest = batches.Max(b => b.Length);
        using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, _maxInFlight / largest),
            CancellationToken = round.Token,
        };
        await Parallel.ForEachAsync(batches, options, async (batch, token) => await RunBatchAsync(batch, results, timeout, token));
        return results;
    }

    /// <summary>Closes every listener and waits for its loop to end; no socket or thread of the engine remains.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        Listener[] all;
        lock (_gate)
        {
            all = [.. _listeners.Values];
            _listeners.Clear();
        }

        foreach (var listener in all)
        {
            listener.Socket.Dispose();
        }

        // Each loop ends on the cancelled token or the closed socket; the bound only guards against a bug.
        await Task.WhenAll(all.Select(l => l.Loop)).WaitAsync(TimeSpan.FromSeconds(10), _time, CancellationToken.None);
        _stopping.Dispose();
    }

    private bool IsKnown(string pod, int port, NetpolProtocol protocol)
    {
        lock (_gate)
        {
            return _listeners.ContainsKey((pod, port, protocol)) || _statuses.Any(s => s.Pod == pod && s.Port == port && s.Protocol == protocol && !s.Listening);
        }
    }

    private void Register(string pod, ListenerAttempt attempt, List<string> failures)
    {
        var key = (pod, attempt.Port, attempt.Protocol);
        if (attempt.Socket is { } socket)
        {
            var loop = attempt.Protocol == NetpolProtocol.Udp
                ? EchoLoopAsync(socket, _stopping.Token)
                : AcceptLoopAsync(socket, _time, _stopping.Token);
            _listeners[key] = new Listener(socket, loop);
            _statuses.Add(new ListenerStatus(pod, attempt.Port, attempt.Protocol, Listening: true));
            return;
        }

        _statuses.Add(new ListenerStatus(pod, attempt.Port, attempt.Protocol, Listening: false, attempt.Error));
        if (!attempt.Unsupported)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{pod} {attempt.Port}/{attempt.Protocol.ToWire()}: {attempt.Error}"));
        }
    }

    /// <summary>Runs on a namespace thread: every listener of one pod in one switch.</summary>
    private static ListenerAttempt[] OpenListeners(string pod, (int Port, NetpolProtocol Protocol)[] ports)
    {
        var attempts = new ListenerAttempt[ports.Length];
        for (var i = 0; i < ports.Length; i++)
        {
            var (port, protocol) = ports[i];
            Socket? socket = null;
            try
            {
                socket = NewSocket(protocol);
                var stream = protocol != NetpolProtocol.Udp;
                if (stream)
                {
                    // A listener restarted right after a round must not trip over its own TIME_WAIT entries.
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                }

                socket.Bind(new IPEndPoint(IPAddress.Any, port));
                if (stream)
                {
                    socket.Listen(ListenBacklog);
                }

                attempts[i] = new ListenerAttempt(port, protocol, socket, null, false);
            }
            catch (SocketException error)
            {
                socket?.Dispose();
                var unsupported = IsUnsupported(protocol, error);
                attempts[i] = new ListenerAttempt(port, protocol, null, unsupported ? UnsupportedReason(protocol, error) : $"{pod}: {error.SocketErrorCode}: {error.Message}", unsupported);
            }
        }

        return attempts;
    }

    private async Task RunBatchAsync((ProbeRequest Probe, int Index)[] batch, ProbeResult[] results, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ns = _podNamespaces[batch[0].Probe.From];
        var sockets = await NetnsThread.RunAsync(ns, () => OpenClients(batch), cancellationToken);
        try
        {
            // The whole batch starts together, so one deadline gives each probe at most the timeout.
            using var deadline = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var started = _time.GetTimestamp();
            var running = new Task<ProbeResult>[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                var probe = batch[i].Probe;
                running[i] = sockets[i].Socket is { } socket
                    ? ProbeOneAsync(probe, socket, started, timeout, deadline.Token, linked.Token, cancellationToken)
                    : Task.FromResult(new ProbeResult(probe, sockets[i].Unsupported ? ProbeOutcome.Unsupported : ProbeOutcome.Error, TimeSpan.Zero, sockets[i].Error));
            }

            var finished = await Task.WhenAll(running);
            for (var i = 0; i < batch.Length; i++)
            {
                results[batch[i].Index] = finished[i];
            }
        }
        finally
        {
            foreach (var client in sockets)
            {
                client.Socket?.Dispose();
            }
        }
    }

    /// <summary>Runs on a namespace thread: the client sockets of one batch in one switch.</summary>
    private static ClientSocket[] OpenClients((ProbeRequest Probe, int Index)[] batch)
    {
        var sockets = new ClientSocket[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            var protocol = batch[i].Probe.Protocol;
            try
            {
                sockets[i] = new ClientSocket(NewSocket(protocol), null, false);
            }
            catch (SocketException error)
            {
                var unsupported = IsUnsupported(protocol, error);
                sockets[i] = new ClientSocket(null, unsupported ? UnsupportedReason(protocol, error) : $"socket: {error.SocketErrorCode}: {error.Message}", unsupported);
            }
        }

        return sockets;
    }

    private async Task<ProbeResult> ProbeOneAsync(
        ProbeRequest probe, Socket socket, long started, TimeSpan timeout, CancellationToken deadline, CancellationToken token, CancellationToken caller)
    {
        var target = new IPEndPoint(probe.ToAddress, probe.Port);
        try
        {
            if (probe.Protocol == NetpolProtocol.Udp)
            {
                return await ProbeUdpAsync(probe, socket, target, started, token);
            }

            await socket.ConnectAsync(target, token);
            return Result(probe, ProbeOutcome.Connected, started);
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Result(probe, ProbeOutcome.Refused, started, error.Message);
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.TimedOut)
        {
            return Result(probe, ProbeOutcome.TimedOut, started, error.Message);
        }
        catch (Exception error) when (deadline.IsCancellationRequested && !caller.IsCancellationRequested
            && error is OperationCanceledException or ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
        {
            return Result(probe, ProbeOutcome.TimedOut, started, string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalMilliseconds:0} ms"));
        }
        catch (SocketException error)
        {
            return Result(probe, ProbeOutcome.Error, started, $"{error.SocketErrorCode}: {error.Message}");
        }
    }

    /// <summary>A UDP probe counts as connected only when the listener's echo comes back.</summary>
    private async Task<ProbeResult> ProbeUdpAsync(ProbeRequest probe, Socket socket, IPEndPoint target, long started, CancellationToken token)
    {
        // Connected, so ICMP port-unreachable comes back as ECONNREFUSED and only the target's datagrams arrive.
        await socket.ConnectAsync(target, token);
        var payload = new byte[16];
        "cnb-probe"u8.CopyTo(payload);
        _ = BitConverter.TryWriteBytes(payload.AsSpan(9), started);
        _ = await socket.SendAsync(payload, SocketFlags.None, token);
        var answer = new byte[64];
        for (var stray = 0; stray < 8; stray++)
        {
            var received = await socket.ReceiveAsync(answer, SocketFlags.None, token);
            if (answer.AsSpan(0, received).SequenceEqual(payload))
            {
                return Result(probe, ProbeOutcome.Connected, started);
            }
        }

        return Result(probe, ProbeOutcome.Error, started, "the destination answered, but never with the probe's payload");
    }

    private ProbeResult Result(ProbeRequest probe, ProbeOutcome outcome, long started, string? detail = null) =>
        new(probe, outcome, _time.GetElapsedTime(started), detail);

    private static async Task AcceptLoopAsync(Socket listener, TimeProvider time, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Accept and close: the handshake is the answer, nothing is read.
                using var accepted = await listener.AcceptAsync(stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that gave up before accept (ECONNABORTED) must not stop the listener; pause so a
                // persistent error cannot spin.
                await PauseAsync(time, stopping);
            }
        }
    }

    private static async Task EchoLoopAsync(Socket socket, CancellationToken stopping)
    {
        var buffer = new byte[2048];
        EndPoint anySender = new IPEndPoint(IPAddress.Any, 0);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, anySender, stopping);
                _ = await socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint, stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // One sender that went away (or a full send buffer) is no reason to stop answering the others.
            }
        }
    }

    private static async Task PauseAsync(TimeProvider time, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop condition ends it.
        }
    }

    private static Socket NewSocket(NetpolProtocol protocol) => protocol switch
    {
        NetpolProtocol.Tcp => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp),
        NetpolProtocol.Udp => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp),
        // One-to-one style SCTP: connect completes when the association is up, like a TCP handshake.
        NetpolProtocol.Sctp => new Socket(AddressFamily.InterNetwork, SocketType.Stream, SctpProtocol),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "unknown protocol"),
    };

    private static bool IsUnsupported(NetpolProtocol protocol, SocketException error) =>
        protocol == NetpolProtocol.Sctp
        && error.SocketErrorCode is SocketError.ProtocolNotSupported or SocketError.ProtocolType or SocketError.SocketNotSupported or SocketError.AddressFamilyNotSupported;

    private static string UnsupportedReason(NetpolProtocol protocol, SocketException error) =>
        $"kernel has no {protocol.ToWire()} (socket: {error.Message})";

    private string NamespaceOf(string pod, string parameter) =>
        _podNamespaces.TryGetValue(pod, out var ns)
            ? ns
            : throw new ArgumentException($"pod '{pod}' has no namespace in this engine (known: {string.Join(", ", _podNamespaces.Keys.Order(StringComparer.Ordinal))})", parameter);

    private void Validate(ProbeRequest probe, string parameter)
    {
        if (probe is null)
        {
            throw new ArgumentException("a probe is null", parameter);
        }

        _ = NamespaceOf(probe.From, parameter);
        ValidatePort(probe.Port, parameter);
        if (!LabDestinations.IsLabAddress(probe.ToAddress))
        {
            throw new ArgumentException($"probe {probe.From} -> {probe.To} targets {probe.ToAddress}, outside the lab range 198.18.0.0/15; refusing to send traffic there", parameter);
        }
    }

    private static void ValidatePort(int port, string parameter)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(parameter, port, "ports are 1..65535");
        }
    }

    private sealed record Listener(Socket Socket, Task Loop);

    private sealed record ListenerAttempt(int Port, NetpolProtocol Protocol, Socket? Socket, string? Error, bool Unsupported);

    private sealed record ClientSocket(Socket? Socket, string? Error, bool Unsupported);
}
