using System.Collections.Concurrent;
using CniBench.Kubernetes;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CniBench.TestSupport.Kubernetes;

/// <summary>What one exec received: its argv, its standard input (null: the exec asked for none) and the protocol.</summary>
public sealed record ExecInput(IReadOnlyList<string> Argv, string? Stdin, string Protocol);

/// <summary>
/// The exec websocket as the kubelet and API server serve it: protocol negotiation (v5 through the API server's
/// translator from 1.30, else v4), the kubelet's empty first frame, stdin only when asked for and ended only by the
/// v5 close signal, and the exit status on channel 3.
/// </summary>
public sealed partial class FakeKubeApiServer
{
    public const string ExecV5 = "v5.channel.k8s.io";

    public const string ExecV4 = "v4.channel.k8s.io";

    /// <summary>The exec protocols served; <c>[v4]</c> plays an API server before 1.30 (or with the translator off).</summary>
    public IReadOnlyList<string> ExecProtocols { get; set; } = [ExecV5, ExecV4];

    /// <summary>When set, answers an argv and its standard input instead of <see cref="Exec"/>.</summary>
    public Func<IReadOnlyList<string>, string?, ExecReply>? ExecWithInput { get; set; }

    public ConcurrentQueue<ExecInput> ExecInputs { get; } = new();

    private async Task ExecAsync(HttpContext http, string ns, string pod)
    {
        var argv = (IReadOnlyList<string>)[.. http.Request.Query["command"].Select(c => c ?? string.Empty)];
        Execs.Enqueue(argv);
        var offered = http.WebSockets.WebSocketRequestedProtocols;

        // The handshake takes the first protocol the client offers that the server serves, and refuses with 403 when
        // there is none (golang.org/x/net/websocket, as the kubelet's wsstream.Conn uses it).
        var protocol = offered.FirstOrDefault(ExecProtocols.Contains);
        if (protocol is null)
        {
            await WriteStatusAsync(http, HttpStatusCode.Forbidden, $"requested protocol(s) are not supported: [{string.Join(' ', offered)}]; supports [{string.Join(' ', ExecProtocols)}]");
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(protocol);
        var token = http.RequestAborted;

        // The kubelet's first frame: an empty message on the lowest writable channel, stdout
        // (kubernetes/kubernetes pkg/kubelet/cri/streaming/remotecommand/websocket.go, createWebSocketStreams).
        await socket.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, endOfMessage: true, token);
        string? stdin = null;
        if (http.Request.Query["stdin"] is ["1"] or ["true"])
        {
            // A program reading its standard input ends only after its end: under v5 the close signal (255, 0),
            // under v4 nothing but the end of the whole connection.
            (stdin, var closed) = await ReadStdinAsync(socket, protocol == ExecV5, token);
            if (closed)
            {
                ExecInputs.Enqueue(new ExecInput(argv, stdin, protocol));
                return;
            }
        }

        ExecInputs.Enqueue(new ExecInput(argv, stdin, protocol));
        var inner = UnwrapStart(argv, out var started);
        ExecReply reply = PodsIn(ns).Any(p => p.Metadata.Name == pod)
            ? (ExecWithInput is { } withInput ? withInput(inner, stdin) : ExecInPod?.Invoke(ns, pod, inner) ?? Exec(inner))
            : new ExecReply(Stderr: $"pod {pod} not found", ExitCode: 1);
        if (inner is ["kill", var killPid] && _held.TryRemove(killPid, out var victim))
        {
            victim.TrySetResult();
        }

        if (started)
        {
            var pid = Interlocked.Increment(ref _nextPid).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SendAsync(socket, 1, $"{PodExecRunner.PidMarker}{pid}\n", token);
            if (reply.Hold)
            {
                var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held[pid] = killed;
                await SendAsync(socket, 1, reply.Stdout, token);
                var closed = socket.ReceiveAsync(new byte[64], token);
                await Task.WhenAny(killed.Task, closed);
                if (!killed.Task.IsCompleted)
                {
                    return;
                }

                await SendAsync(socket, 3, StatusJson(143), token);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, token);
                return;
            }
        }

        await SendAsync(socket, 1, reply.Stdout, token);
        await SendAsync(socket, 2, reply.Stderr, token);
        if (reply.Hold)
        {
            // A program that never ends: only the client closing the stream (its timeout) ends the exec.
            try
            {
                await socket.ReceiveAsync(new byte[64], token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away, as a timed-out caller does.
            }

            return;
        }

        await SendAsync(socket, 3, StatusJson(reply.ExitCode), token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, token);
    }

    /// <summary>Reads channel 0 until the v5 close signal for it (or, with v4, until the client closes the connection).</summary>
    private static async Task<(string Stdin, bool Closed)> ReadStdinAsync(WebSocket socket, bool v5, CancellationToken token)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, token);
                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (text.ToString(), true);
                }

                var bytes = frame.ToArray();
                if (v5 && bytes is [255, 0])
                {
                    return (text.ToString(), false);
                }

                if (bytes is [0, ..])
                {
                    text.Append(Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            return (text.ToString(), true);
        }
    }
}
