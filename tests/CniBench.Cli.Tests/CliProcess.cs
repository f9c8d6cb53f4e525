using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CniBench.Cli.Tests;

/// <summary>How to start the built CLI as a child process.</summary>
internal sealed record CliProcessOptions
{
    /// <summary>Variables to set (a null value removes the variable) on top of this process's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Run as user nobody with no capabilities (through setpriv), to see the CLI refuse without root.</summary>
    public bool AsNobody { get; init; }

    /// <summary>
    /// Run on a fresh /run, as on a host where CniBench never ran: a private mount namespace with a new tmpfs on /run
    /// (root; util-linux's unshare). After the CLI exits, every file left under that /run is printed as a line
    /// <c>fresh-run-left &lt;path&gt;</c>, since the tmpfs and all it holds vanish with the namespace.
    /// </summary>
    public bool OnFreshRun { get; init; }

    public required string WorkingDirectory { get; init; }
}

/// <summary>
/// The built cnibench.dll run by <c>dotnet</c> in a child process whose output is collected as it arrives, so a
/// test can signal it mid-run. Disposing kills it if it still runs: no test leaves a CLI behind.
/// </summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Mounts the fresh /run, runs the CLI, lists what it left there, and exits with the CLI's code.</summary>
    private const string FreshRunScript = """
        mount -t tmpfs cnibench-fresh-run /run || exit 97
        "$@"
        code=$?
        find /run -mindepth 1 ! -type d -printf 'fresh-run-left %p\n'
        exit $code
        """;

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static CliProcess Start(CliProcessOptions options, params string[] args)
    {
        var start = new ProcessStartInfo
        {
            FileName = options.AsNobody ? "setpriv" : options.OnFreshRun ? "unshare" : TestPaths.Dotnet,
            WorkingDirectory = options.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (options.AsNobody)
        {
            foreach (var arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--", TestPaths.Dotnet })
            {
                start.ArgumentList.Add(arg);
            }
        }

        if (options.OnFreshRun)
        {
            foreach (var arg in new[] { "--mount", "--propagation", "private", "--", "sh", "-c", FreshRunScript, "sh", TestPaths.Dotnet })
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A plain, predictable console: no colours, no width games, no first-run chatter from the host.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits for the exit code; on timeout the test fails with everything the CLI printed so far.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"cnibench (pid {Pid}) did not exit within {timeout.TotalSeconds:0} s; output so far:\n{Output}");
        }

        // The parameterless wait drains the redirected streams, so Output is complete.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends a signal by name (INT, TERM) the way a terminal or a CI runner would.</summary>
    public async Task SignalAsync(string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start kill");
        await kill.WaitForExitAsync(cancellationToken);
        Assert.True(kill.ExitCode == 0, $"kill -s {signal} {Pid} failed with {kill.ExitCode}");
    }

    /// <summary>SIGKILL: no handler runs, exactly like a crash or an OOM kill.</summary>
    public void Crash() => _process.Kill(entireProcessTree: false);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(limit.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not reaped in time: nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
