using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using CniBench.Core.Processes;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>
/// Runs programs inside a pod through the exec websocket. It asks for the <c>v5.channel.k8s.io</c> protocol first:
/// v5 adds the close signal (channel 255) that ends a program's standard input. API servers from 1.30 serve it (the
/// TranslateStreamCloseWebsocketRequests feature, beta and on by default from 1.30: the API server translates v5 to
/// the kubelet's SPDY streams, kubernetes/kubernetes pkg/registry/core/pod/rest/subresources.go); the kubelet's own
/// websocket server offers only up to v4 (pkg/kubelet/cri/streaming/remotecommand/websocket.go) and refuses the
/// handshake otherwise, and then the runner falls back to v4 for that cluster. Under v4, which cannot end stdin,
/// input is handed to the program through <c>sh</c> as an argument (so it needs <c>sh</c> in the image and fits in
/// one argument). The exec asks for stdin only when the spec has input: an open stdin that is never closed keeps a
/// program that reads it waiting. Output comes back unchanged, so iperf3 JSON parses the same as in the lab; the
/// exit status arrives as a <c>metav1.Status</c> on channel 3 (v4 and later).
/// </summary>
public sealed class PodExecRunner(IKubernetes client, string cluster, string @namespace, string pod, string? container = null) : IProcessRunner
{
    // Clusters whose exec endpoint refused v5 once and then served v4: later execs go to v4 directly.
    private static readonly ConditionalWeakTable<IKubernetes, object> V4Only = [];

    private const string StdinScript = "input=$1; shift; printf '%s' \"$input\" | \"$@\"";

    // Remembers the PID so that stopping can kill the program: closing an exec stream does not end it in the container.
    private const string StartScript = "echo " + PidMarker + "$$; exec \"$@\"";

    internal const string PidMarker = "cnibench-pid=";

    public string Pod => pod;

    public string Namespace => @namespace;

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var (exit, stdout, stderr) = await ExecAsync(new ExecCommand([spec.Program, .. spec.Arguments], spec.StandardInput), onStdoutLine: null, timeout.Token);
            return new ProcessResult(exit, stdout, stderr, stopwatch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProcessTimeoutException(spec, spec.Timeout);
        }
    }

    public IRunningProcess Start(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new PodRunningProcess(this, spec);
    }

    /// <summary>The argv a v4 exec runs for <paramref name="command"/>: input, if any, becomes an argument of <c>sh</c>.</summary>
    internal static IReadOnlyList<string> V4Argv(ExecCommand command) =>
        command.Input is null
            ? command.Argv
            : ["sh", "-c", StdinScript, "cnibench-stdin", command.Input, .. command.Argv];

    /// <summary>The command a background start runs: it prints its PID first, so that stopping can kill it.</summary>
    internal static ExecCommand StartCommand(ProcessSpec spec) =>
        new(["sh", "-c", StartScript, "cnibench-start", spec.Program, .. spec.Arguments], spec.StandardInput);

    /// <summary>Runs argv, without input, to its end.</summary>
    internal Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(IReadOnlyList<string> argv, Action<string>? onStdoutLine, CancellationToken cancellationToken) =>
        ExecAsync(new ExecCommand(argv, null), onStdoutLine, cancellationToken);

    /// <summary>Runs a command to its end; <paramref name="onStdoutLine"/> sees each stdout line as it arrives.</summary>
    internal async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(ExecCommand command, Action<string>? onStdoutLine, CancellationToken cancellationToken)
    {
        var what = $"running '{string.Join(' ', command.Argv)}' in pod {@namespace}/{pod}";
        var (socket, v5) = await ConnectAsync(command, what, cancellationToken);

        // The demuxer owns the socket: the client's MuxedStream helper leaves it open, and with it the connection.
        // supportsClose: under v5 the server may also close a channel with the 255 signal.
        using var muxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: true, supportsClose: v5);
        using var stdout = muxer.GetStream(ChannelIndex.StdOut, null);
        using var stderr = muxer.GetStream(ChannelIndex.StdErr, null);
        using var error = muxer.GetStream(ChannelIndex.Error, null);
        muxer.Start();
        if (v5 && command.Input is { } input)
        {
            // The input, then the close signal for channel 0: the program sees the end of its standard input.
            var bytes = System.Text.Encoding.UTF8.GetBytes(input);
            await muxer.Write(ChannelIndex.StdIn, bytes, 0, bytes.Length, cancellationToken);
            await muxer.CloseChannel(ChannelIndex.StdIn, cancellationToken);
        }

        // The demuxer's streams block on a buffer and ignore tokens; disposing the demuxer ends them. Not always: a
        // read can stay pending after the dispose (seen once in seven runs of a test whose exec never ends), so the
        // wait itself also ends with the token, and the reads are left to end with the connection.
        using (cancellationToken.Register(muxer.Dispose))
        {
            var stdoutTask = ReadLinesAsync(stdout, onStdoutLine);
            var stderrTask = new StreamReader(stderr).ReadToEndAsync(CancellationToken.None);
            var statusTask = new StreamReader(error).ReadToEndAsync(CancellationToken.None);
            await Task.WhenAll(stdoutTask, stderrTask, statusTask).WaitAsync(cancellationToken);
            await CloseQuietlyAsync(socket);
            return (ExitCode(await statusTask, what), await stdoutTask, await stderrTask);
        }
    }

    /// <summary>Opens the exec: v5 where the cluster serves it, else v4 (see the class comment).</summary>
    private async Task<(WebSocket Socket, bool V5)> ConnectAsync(ExecCommand command, string what, CancellationToken cancellationToken)
    {
        Exception? v5Refusal = null;
        if (!V4Only.TryGetValue(client, out _))
        {
            try
            {
                var socket = await client.WebSocketNamespacedPodExecAsync(
                    pod, @namespace, command.Argv, container, stdin: command.Input is not null, tty: false,
                    webSocketSubProtocol: WebSocketProtocol.V5BinaryWebsocketProtocol, cancellationToken: cancellationToken);
                return (socket, true);
            }
            catch (Exception ex) when (RefusedHandshake(ex))
            {
                v5Refusal = ex;
            }
        }

        try
        {
            var socket = await client.WebSocketNamespacedPodExecAsync(
                pod, @namespace, V4Argv(command), container, stdin: false, tty: false,
                webSocketSubProtocol: WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: cancellationToken);
            if (v5Refusal is not null)
            {
                V4Only.AddOrUpdate(client, v5Refusal);
            }

            return (socket, false);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, cluster, what), ex);
        }
    }

    /// <summary>
    /// A websocket upgrade the server turned down: the kubelet's handshake answers 403 when none of the offered
    /// protocols is one it serves (golang.org/x/net/websocket), and the client library then reads the plain HTTP
    /// answer (400, 403). Anything else, a 404 for a missing pod for one, is not about the protocol; the v4 attempt
    /// that follows reports it either way.
    /// </summary>
    private static bool RefusedHandshake(Exception ex) =>
        ex is WebSocketException
        || ex is k8s.Autorest.HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.Forbidden };

    /// <summary>Answers the server's close so that neither side waits for the other.</summary>
    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        if (socket.State is not (WebSocketState.CloseReceived or WebSocketState.Open))
        {
            return;
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, grace.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The exec has ended; a close the server no longer hears changes nothing.
        }
    }

    private static async Task<string> ReadLinesAsync(Stream stream, Action<string>? onLine)
    {
        using var reader = new StreamReader(stream);
        if (onLine is null)
        {
            return await reader.ReadToEndAsync(CancellationToken.None);
        }

        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            text.Append(line).Append('\n');
            onLine(line);
        }

        return text.ToString();
    }

    private int ExitCode(string statusJson, string what)
    {
        if (string.IsNullOrWhiteSpace(statusJson))
        {
            throw new KubeOperationException($"cluster '{cluster}' closed the exec stream without an exit status while {what}");
        }

        var status = KubernetesJson.Deserialize<V1Status>(statusJson);
        if (status.Status == "Success")
        {
            return 0;
        }

        var code = status.Details?.Causes?.FirstOrDefault(c => c.Reason == "ExitCode")?.Message;
        if (status.Reason == "NonZeroExitCode" && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exit))
        {
            return exit;
        }

        // E.g. the executable does not exist in the image: the kubelet reports it as a failure without exit code.
        throw new KubeOperationException($"cluster '{cluster}' could not complete {what}: {status.Message ?? status.Reason ?? "unknown failure"}");
    }
}

/// <summary>A program and its arguments as the pod runs them, and the text for its standard input (null: none).</summary>
internal sealed record ExecCommand(IReadOnlyList<string> Argv, string? Input);
