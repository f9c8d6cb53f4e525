using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Ingress;

namespace CniBench.Workloads.Ingress;

/// <summary>What every controller is generated from: the Ingress object (YAML), the endpoints, and the model built from both.</summary>
public sealed record IngressInputs(string IngressYaml, EndpointsSet Endpoints, IngressConfigSet Config);

/// <summary>A controller that did not start, did not apply a change, or died; the message carries the tail of its log.</summary>
public sealed class IngressControllerException(string message) : Exception(message);

/// <summary>
/// One ingress controller process in a pod, with its own directory under /tmp. Start returns once it serves; Apply
/// returns once it runs the new configuration. Disposal stops it and removes the directory.
/// </summary>
public abstract partial class IngressController : IAsyncDisposable
{
    private const int TailLines = 12;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private IRunningProcess? _process;

    protected IngressController(IWorkloadHost host, IPEndPoint listen, IngressControllerOptions options, bool tls)
    {
        Host = host;
        Listen = listen;
        Options = options;
        Tls = tls;
        Directory = $"/tmp/cnb-ingress-{Guid.NewGuid().ToString("N")[..8]}";
    }

    public abstract string Name { get; }

    public IWorkloadHost Host { get; }

    public IPEndPoint Listen { get; }

    /// <summary>Everything the controller reads and writes lives here.</summary>
    public string Directory { get; }

    /// <summary>Terminates TLS on <see cref="Listen"/> (https) with a certificate made when it starts, instead of plain HTTP.</summary>
    public bool Tls { get; }

    /// <summary>The certificate (PEM) and its private key (PEM, mode 0600) when <see cref="Tls"/>.</summary>
    public string CertificatePath => $"{Directory}/tls.crt";

    public string KeyPath => $"{Directory}/tls.key";

    protected IngressControllerOptions Options { get; }

    protected IRunningProcess Process => _process ?? throw new InvalidOperationException($"{Name} has not been started");

    public static IngressController Create(string name, IWorkloadHost host, IPEndPoint listen, IngressControllerOptions options, bool tls = false) => name switch
    {
        IngressTestSpec.Yarp => new YarpIngressController(host, listen, options, tls),
        IngressTestSpec.Nginx => new NginxIngressController(host, listen, options, tls),
        IngressTestSpec.Haproxy => new HaproxyIngressController(host, listen, options, tls),
        _ => throw new ArgumentException($"unknown ingress controller '{name}'", nameof(name)),
    };

    /// <exception cref="IngressControllerException">It did not come up; the message has its log tail.</exception>
    public async Task StartAsync(IngressInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        await CheckedAsync(new ProcessSpec("mkdir", ["-m", "0755", Directory]), cancellationToken);
        await WriteInputsAsync(inputs, cancellationToken);
        if (Tls)
        {
            // Per measurement: a fresh key that lives only in this directory, removed with it on disposal.
            await WriteCertificateAsync(IngressCertificate.Create(IngressModel.Host, Listen.Address, Options.Time), cancellationToken);
        }

        _process = Host.Runner.Start(StartCommand());
        try
        {
            await WaitReadyAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ProcessTimeoutException or InvalidOperationException or IngressControllerException)
        {
            throw new IngressControllerException($"{Name} on {Host.Name} did not start: {ex.Message}{await LogTailAsync()}");
        }
    }

    /// <summary>Writes the new inputs and returns once the controller serves them.</summary>
    /// <exception cref="IngressControllerException">The change was not confirmed in time, or the controller died.</exception>
    public async Task ApplyAsync(IngressInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Exited() is { } exited)
        {
            throw new IngressControllerException(exited);
        }

        try
        {
            await ReloadAsync(inputs, cancellationToken);
        }
        catch (Exception ex) when (ex is ProcessTimeoutException or InvalidOperationException)
        {
            throw new IngressControllerException($"{Name} on {Host.Name} did not apply the change: {ex.Message}{await LogTailAsync()}");
        }
    }

    /// <summary>Null while the controller runs; otherwise how it ended, with its log tail.</summary>
    public string? Exited()
    {
        if (_process?.Completion is not { IsCompleted: true } completion)
        {
            return null;
        }

        var result = completion.IsCompletedSuccessfully ? completion.Result : null;
        var output = result is null ? "" : Tail(result.StandardError + "\n" + result.StandardOutput);
        return $"{Name} on {Host.Name} exited{(result is null ? "" : " with code " + result.ExitCode.ToString(CultureInfo.InvariantCulture))}{output}";
    }

    /// <summary>The controller's processes now: its main process and that one's children (nginx and HAProxy workers).</summary>
    public async Task<IReadOnlyList<int>> ProcessIdsAsync(CancellationToken cancellationToken)
    {
        if (await MainPidAsync(cancellationToken) is not { } main)
        {
            return [];
        }

        return [main, .. await ChildrenAsync(main, cancellationToken)];
    }

    /// <summary>User plus system CPU seconds the processes have used so far (from /proc/&lt;pid&gt;/stat; vanished ones count 0).</summary>
    public async Task<double> CpuSecondsAsync(IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pids);
        if (pids.Count == 0)
        {
            return 0;
        }

        var result = await Host.Runner.RunAsync(
            new ProcessSpec("cat", [.. pids.Select(p => $"/proc/{p.ToString(CultureInfo.InvariantCulture)}/stat")]) { Timeout = CommandTimeout },
            cancellationToken);
        return ProcStat.CpuSeconds(result.StandardOutput);
    }

    /// <summary>CPU seconds so far per thread name (digits dropped, so ".NET TP Worker" threads add up): where a controller's time goes.</summary>
    public async Task<IReadOnlyDictionary<string, double>> ThreadCpuSecondsAsync(IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pids);
        var files = new List<string>();
        foreach (var pid in pids)
        {
            var task = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task";
            var listing = await Host.Runner.RunAsync(new ProcessSpec("ls", [task]) { Timeout = CommandTimeout }, cancellationToken);
            files.AddRange(listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => $"{task}/{t}/stat"));
        }

        if (files.Count == 0)
        {
            return new Dictionary<string, double>();
        }

        var result = await Host.Runner.RunAsync(new ProcessSpec("cat", files) { Timeout = CommandTimeout }, cancellationToken);
        return ProcStat.CpuSecondsByName(result.StandardOutput);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.Completion.IsCompleted)
                {
                    await StopGracefullyAsync();
                    await Task.WhenAny(_process.Completion, Task.Delay(TimeSpan.FromSeconds(3)));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ProcessTimeoutException or ToolMissingException)
            {
                // Disposal below kills what is left.
            }
            finally
            {
                await _process.DisposeAsync();
            }
        }

        try
        {
            await Host.Runner.RunAsync(new ProcessSpec("rm", ["-rf", "--", Directory]) { Timeout = CommandTimeout }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ProcessTimeoutException or InvalidOperationException or ToolMissingException)
        {
            // A leftover directory in /tmp is not worth failing for.
        }

        GC.SuppressFinalize(this);
    }

    protected abstract ProcessSpec StartCommand();

    protected abstract Task WriteInputsAsync(IngressInputs inputs, CancellationToken cancellationToken);

    protected abstract Task WaitReadyAsync(CancellationToken cancellationToken);

    protected abstract Task ReloadAsync(IngressInputs inputs, CancellationToken cancellationToken);

    protected abstract Task StopGracefullyAsync();

    /// <summary>The certificate and key as this controller reads them; by default <see cref="CertificatePath"/> and <see cref="KeyPath"/>.</summary>
    protected virtual async Task WriteCertificateAsync(IngressCertificate certificate, CancellationToken cancellationToken)
    {
        await WriteFileAsync("tls.crt", certificate.CertificatePem, cancellationToken);
        await WritePrivateFileAsync("tls.key", certificate.PrivateKeyPem, cancellationToken);
    }

    /// <summary>Extra log text worth showing on failure (e.g. nginx's error.log).</summary>
    protected virtual Task<string> ExtraLogAsync() => Task.FromResult("");

    /// <summary>Write-then-rename, so the controller never reads a half-written file.</summary>
    protected async Task WriteFileAsync(string name, string content, CancellationToken cancellationToken)
    {
        var path = $"{Directory}/{name}";
        await CheckedAsync(new ProcessSpec("tee", [path + ".new"]) { StandardInput = content }, cancellationToken);
        await CheckedAsync(new ProcessSpec("mv", ["-f", path + ".new", path]), cancellationToken);
    }

    /// <summary>Like <see cref="WriteFileAsync"/>, but the file is created with mode 0600 before the secret goes in.</summary>
    protected async Task WritePrivateFileAsync(string name, string content, CancellationToken cancellationToken)
    {
        var path = $"{Directory}/{name}";
        await CheckedAsync(new ProcessSpec("install", ["-m", "0600", "/dev/null", path + ".new"]), cancellationToken);
        await CheckedAsync(new ProcessSpec("tee", [path + ".new"]) { StandardInput = content }, cancellationToken);
        await CheckedAsync(new ProcessSpec("mv", ["-f", path + ".new", path]), cancellationToken);
    }

    protected async Task<ProcessResult> CheckedAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await Host.Runner.RunAsync(spec with { Timeout = CommandTimeout }, cancellationToken);
        return result.Succeeded
            ? result
            : throw new InvalidOperationException($"'{spec}' on {Host.Name} failed: {result.StandardError.Trim()}");
    }

    /// <summary>The oldest process whose command line names this controller's directory: the master / the dotnet host.</summary>
    protected async Task<int?> MainPidAsync(CancellationToken cancellationToken)
    {
        var result = await Host.Runner.RunAsync(new ProcessSpec("pgrep", ["-o", "-f", Directory]) { Timeout = CommandTimeout }, cancellationToken);
        return int.TryParse(result.StandardOutput.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    protected async Task<IReadOnlyList<int>> ChildrenAsync(int parent, CancellationToken cancellationToken)
    {
        var result = await Host.Runner.RunAsync(
            new ProcessSpec("pgrep", ["-P", parent.ToString(CultureInfo.InvariantCulture)]) { Timeout = CommandTimeout }, cancellationToken);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : -1)
            .Where(p => p > 0)];
    }

    /// <summary>Polls the main process's children until one that is not in <paramref name="before"/> exists: a (re)started worker.</summary>
    protected async Task<int> WaitForNewWorkerAsync(IReadOnlyCollection<int> before, CancellationToken cancellationToken)
    {
        var deadline = Options.Time.GetTimestamp();
        while (Options.Time.GetElapsedTime(deadline) < Options.ReadyTimeout)
        {
            if (Exited() is { } exited)
            {
                throw new IngressControllerException(exited);
            }

            if (await MainPidAsync(cancellationToken) is { } main)
            {
                var fresh = (await ChildrenAsync(main, cancellationToken)).Where(p => !before.Contains(p)).ToList();
                if (fresh.Count > 0)
                {
                    return main;
                }
            }

            await Task.Delay(PollInterval, Options.Time, cancellationToken);
        }

        throw new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture, $"no new worker process within {Options.ReadyTimeout.TotalSeconds:0.#} s"));
    }

    private async Task<string> LogTailAsync()
    {
        var text = _process is null ? "" : Exited() ?? "";
        try
        {
            text += await ExtraLogAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ProcessTimeoutException)
        {
            // The log is a courtesy; the failure itself is already known.
        }

        return text.Length == 0 ? "" : "; " + text.Trim();
    }

    protected static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : ": " + string.Join(" | ", lines.TakeLast(TailLines));
    }

    [GeneratedRegex(@"configuration (\d+) applied")]
    protected static partial Regex AppliedLine();
}

/// <summary>Where controllers run from and how long they may take.</summary>
public sealed record IngressControllerOptions
{
    /// <summary>cnibench-ingress.dll, run with <c>dotnet</c>; null when it has not been built (the yarp variant then fails with how to build it).</summary>
    public string? YarpDll { get; init; }

    /// <summary>nginx worker processes and HAProxy threads; YARP uses the .NET thread pool, which scales to every core.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>Reads CPU times from <c>/proc/&lt;pid&gt;/stat</c> lines.</summary>
internal static class ProcStat
{
    /// <summary>Linux reports these times in clock ticks of 1/100 s on every architecture CniBench runs on.</summary>
    private const double TicksPerSecond = 100;

    public static double CpuSeconds(string statLines)
    {
        long ticks = 0;
        foreach (var line in statLines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // The command name (field 2) may hold spaces; fields after its closing parenthesis start at field 3 (state).
            var fields = line[(line.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 12
                && long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var user)
                && long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var system))
            {
                ticks += user + system;
            }
        }

        return ticks / TicksPerSecond;
    }

    public static IReadOnlyDictionary<string, double> CpuSecondsByName(string statLines)
    {
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in statLines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var open = line.IndexOf('(', StringComparison.Ordinal);
            var close = line.LastIndexOf(')');
            if (open < 0 || close < open)
            {
                continue;
            }

            var name = string.Concat(line.AsSpan(open + 1, close - open - 1).ToString().Where(c => !char.IsAsciiDigit(c))).Trim();
            byName[name] = byName.GetValueOrDefault(name) + CpuSeconds(line);
        }

        return byName;
    }
}

/// <summary>cnibench-ingress (YARP): reads the Ingress YAML and endpoints files itself and polls them for changes.</summary>
internal sealed class YarpIngressController(IWorkloadHost host, IPEndPoint listen, IngressControllerOptions options, bool tls = false)
    : IngressController(host, listen, options, tls)
{
    /// <summary>
    /// Runtime settings the proxy runs with, here and in its image (harness/CniBench.Ingress.Yarp/Dockerfile). Socket
    /// completions run on the epoll thread instead of hopping to the thread pool, and idle pool threads do not spin:
    /// on a 2-core host shared with wrk and the backends, the hand-offs cost more than the proxying (docs/ingress.md, "Ingress test").
    /// </summary>
    public static readonly IReadOnlyList<string> YarpRuntimeSettings =
    [
        "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1",
        "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0",
    ];

    private int _generation = 1;

    public override string Name => IngressTestSpec.Yarp;

    protected override ProcessSpec StartCommand() => new(
        "env",
        [
            // The host's "Now listening on" line is the readiness signal; the controller logs only warnings otherwise.
            "Logging__LogLevel__Microsoft.Hosting.Lifetime=Information",
            .. YarpRuntimeSettings,
            "dotnet", Options.YarpDll ?? throw new InvalidOperationException("cnibench-ingress is not built"),
            "--ingress", $"{Directory}/ingress.yaml",
            "--endpoints", $"{Directory}/endpoints.yaml",
            .. Tls ? ["--tls-listen", Listen.ToString(), "--tls-cert", CertificatePath, "--tls-key", KeyPath] : new[] { "--listen", Listen.ToString() },
            "--poll-ms", "100",
        ]);

    protected override async Task WriteInputsAsync(IngressInputs inputs, CancellationToken cancellationToken)
    {
        await WriteFileAsync("ingress.yaml", inputs.IngressYaml, cancellationToken);
        await WriteFileAsync("endpoints.yaml", EndpointsLoader.ToYaml(inputs.Endpoints), cancellationToken);
    }

    protected override Task WaitReadyAsync(CancellationToken cancellationToken) =>
        Process.WaitForOutputAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), Options.ReadyTimeout, cancellationToken);

    protected override async Task ReloadAsync(IngressInputs inputs, CancellationToken cancellationToken)
    {
        // The two files are polled together; one step changes one of them, so one new generation follows.
        await WriteInputsAsync(inputs, cancellationToken);
        var target = ++_generation;
        await Process.WaitForOutputAsync(
            line => AppliedLine().Match(line) is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= target,
            Options.ReadyTimeout,
            cancellationToken);
        if (Process.Completion.IsCompleted)
        {
            throw new IngressControllerException(Exited()!);
        }
    }

    protected override Task StopGracefullyAsync() => Task.CompletedTask;
}

/// <summary>nginx with the generated nginx.conf; a change is a new file and <c>nginx -s reload</c> (SIGHUP to the master via its pid file).</summary>
internal sealed class NginxIngressController(IWorkloadHost host, IPEndPoint listen, IngressControllerOptions options, bool tls = false)
    : IngressController(host, listen, options, tls)
{
    public override string Name => IngressTestSpec.Nginx;

    private string[] Base => ["-e", "stderr", "-p", Directory + "/", "-c", $"{Directory}/nginx.conf"];

    protected override ProcessSpec StartCommand() => new("nginx", Base);

    protected override Task WriteInputsAsync(IngressInputs inputs, CancellationToken cancellationToken) =>
        WriteFileAsync("nginx.conf", Render(inputs), cancellationToken);

    protected override async Task WaitReadyAsync(CancellationToken cancellationToken) =>
        await WaitForNewWorkerAsync([], cancellationToken);

    protected override async Task ReloadAsync(IngressInputs inputs, CancellationToken cancellationToken)
    {
        var main = await MainPidAsync(cancellationToken) ?? throw new InvalidOperationException("its master process is gone");
        var before = await ChildrenAsync(main, cancellationToken);
        await WriteInputsAsync(inputs, cancellationToken);
        await CheckedAsync(new ProcessSpec("nginx", [.. Base, "-s", "reload"]), cancellationToken);
        await WaitForNewWorkerAsync(before, cancellationToken);
    }

    protected override Task StopGracefullyAsync() =>
        Host.Runner.RunAsync(new ProcessSpec("nginx", [.. Base, "-s", "stop"]) { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);

    protected override async Task<string> ExtraLogAsync()
    {
        var result = await Host.Runner.RunAsync(new ProcessSpec("tail", ["-n", "5", $"{Directory}/error.log"]) { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);
        return result.Succeeded && result.StandardOutput.Trim().Length > 0 ? " error.log" + Tail(result.StandardOutput) : "";
    }

    public string Render(IngressInputs inputs) => NginxConfigWriter.Write(inputs.Config, new NginxOptions
    {
        RunDirectory = Directory,
        Listen = Tls ? [] : [Listen],
        TlsListen = Tls ? [Listen] : [],
        TlsCertificatePath = Tls ? CertificatePath : null,
        TlsKeyPath = Tls ? KeyPath : null,
        WorkerProcesses = Options.Workers,
    });
}

/// <summary>
/// HAProxy in master-worker mode (<c>-W -db</c>); a change is a new file and SIGUSR2 to the master, which re-reads it and
/// starts new workers while the old ones finish their connections.
/// </summary>
internal sealed class HaproxyIngressController(IWorkloadHost host, IPEndPoint listen, IngressControllerOptions options, bool tls = false)
    : IngressController(host, listen, options, tls)
{
    public override string Name => IngressTestSpec.Haproxy;

    /// <summary>Certificate and key in one file (mode 0600), as HAProxy's <c>crt</c> reads them.</summary>
    public string PemPath => $"{Directory}/tls.pem";

    protected override ProcessSpec StartCommand() => new("haproxy", ["-W", "-db", "-f", $"{Directory}/haproxy.cfg"]);

    protected override Task WriteInputsAsync(IngressInputs inputs, CancellationToken cancellationToken) =>
        WriteFileAsync("haproxy.cfg", Render(inputs), cancellationToken);

    protected override async Task WaitReadyAsync(CancellationToken cancellationToken) =>
        await WaitForNewWorkerAsync([], cancellationToken);

    protected override async Task ReloadAsync(IngressInputs inputs, CancellationToken cancellationToken)
    {
        var main = await MainPidAsync(cancellationToken) ?? throw new InvalidOperationException("its master process is gone");
        var before = await ChildrenAsync(main, cancellationToken);
        await WriteInputsAsync(inputs, cancellationToken);
        await CheckedAsync(new ProcessSpec("kill", ["-USR2", main.ToString(CultureInfo.InvariantCulture)]), cancellationToken);
        await WaitForNewWorkerAsync(before, cancellationToken);
    }

    protected override async Task StopGracefullyAsync()
    {
        // SIGTERM to the master stops its workers too; killing the master alone could leave them behind.
        if (await MainPidAsync(CancellationToken.None) is { } main)
        {
            await Host.Runner.RunAsync(new ProcessSpec("kill", ["-TERM", main.ToString(CultureInfo.InvariantCulture)]) { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);
        }
    }

    public string Render(IngressInputs inputs) => HaproxyConfigWriter.Write(inputs.Config, new HaproxyOptions
    {
        RunDirectory = Directory,
        Listen = Tls ? [] : [Listen],
        TlsListen = Tls ? [Listen] : [],
        TlsPemPath = Tls ? PemPath : null,
        Threads = Options.Workers,
    });

    protected override Task WriteCertificateAsync(IngressCertificate certificate, CancellationToken cancellationToken) =>
        WritePrivateFileAsync("tls.pem", certificate.CombinedPem, cancellationToken);
}
