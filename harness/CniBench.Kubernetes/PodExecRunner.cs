using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using CniBench.Core.Processes;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>
/// Runs programs inside a pod through the exec websocket (v4 channel protocol). Standard input is handed to the
/// program through <c>sh</c> as an argument, because v4 cannot signal the end of stdin; so a spec with input needs
/// <c>sh</c> in the image. Output comes back unchanged, so iperf3 JSON parses the same as in the lab.
/// </summary>
public sealed class PodExecRunner(IKubernetes client, string cluster, string @namespace, string pod, string? container = null) : IProcessRunner
{
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
            var (exit, stdout, stderr) = await ExecAsync(Argv(spec), onStdoutLine: null, timeout.Token);
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

    internal static IReadOnlyList<string> Argv(ProcessSpec spec) =>
        spec.StandardInput is null
            ? [spec.Program, .. spec.Arguments]
            : ["sh", "-c", StdinScript, "cnibench-stdin", spec.StandardInput, spec.Program, .. spec.Arguments];

    internal static IReadOnlyList<string> StartArgv(ProcessSpec spec) =>
        ["sh", "-c", StartScript, "cnibench-start", .. Argv(spec)];

    /// <summary>Runs argv to its end; <paramref name="onStdoutLine"/> sees each stdout line as it arrives.</summary>
    internal async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(IReadOnlyList<string> argv, Action<string>? onStdoutLine, CancellationToken cancellationToken)
    {
        var what = $"running '{string.Join(' ', argv)}' in pod {@namespace}/{pod}";
        WebSocket socket;
        try
        {
            socket = await client.WebSocketNamespacedPodExecAsync(pod, @namespace, argv, container, tty: false, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex))
        {
            throw new KubeOperationException(KubeErrors.Describe(ex, cluster, what), ex);
        }

        // The demuxer owns the socket: the client's MuxedStream helper leaves it open, and with it the connection.
        using var muxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: true);
        using var stdout = muxer.GetStream(ChannelIndex.StdOut, null);
        using var stderr = muxer.GetStream(ChannelIndex.StdErr, null);
        using var error = muxer.GetStream(ChannelIndex.Error, null);
        muxer.Start();

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
