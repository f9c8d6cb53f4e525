using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Http;

/// <summary>
/// One private nginx on a workload host for one measurement: its directory, config and payload files, the
/// running master process. Disposal stops nginx and deletes the directory.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    public const string Program = "nginx";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    private readonly IWorkloadHost _host;
    private readonly HostFiles _files;
    private IRunningProcess? _process;

    private NginxServer(IWorkloadHost host, NginxSite site)
    {
        _host = host;
        Site = site;
        _files = new HostFiles(host.Runner, host.Name);
    }

    public NginxSite Site { get; }

    /// <summary>The URL path a payload is served at, e.g. <c>/1KiB</c>.</summary>
    public static string PathOf(long payloadBytes) => "/" + Core.Scenarios.Quantities.FormatSize(payloadBytes);

    /// <summary>argv that starts nginx in the foreground on <paramref name="site"/>; <c>-e stderr</c> keeps even startup errors out of /var/log.</summary>
    public static ProcessSpec StartCommand(NginxSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return new ProcessSpec(Program, ["-e", "stderr", "-p", site.Directory + "/", "-c", site.ConfigPath]);
    }

    /// <summary>argv that tells the running master (found by its pid file) to stop at once.</summary>
    public static ProcessSpec StopCommand(NginxSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return new ProcessSpec(Program, ["-e", "stderr", "-p", site.Directory + "/", "-c", site.ConfigPath, "-s", "stop"]);
    }

    /// <summary>
    /// Writes the site and starts nginx, returning once it logs that its worker runs (its socket is open by then).
    /// Throws <see cref="InvalidOperationException"/> or <see cref="ProcessTimeoutException"/> with nginx's own words when it does not come up.
    /// </summary>
    public static async Task<NginxServer> StartAsync(
        IWorkloadHost host,
        int port,
        IReadOnlyList<long> payloadsBytes,
        TimeSpan readyTimeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(payloadsBytes);
        var server = new NginxServer(host, new NginxSite(HostFiles.NewDirectory("cnb-http"), host.Address, port));
        try
        {
            await server.WriteSiteAsync(payloadsBytes, cancellationToken);
            server._process = host.Runner.Start(StartCommand(server.Site));
            await server._process.WaitForOutputAsync(
                line => line.Contains(NginxConfig.ReadyMarker, StringComparison.Ordinal), readyTimeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A note on the server when it has already exited, which usually explains a client failure.</summary>
    public string State()
    {
        if (_process?.Completion is not { IsCompletedSuccessfully: true } completion)
        {
            return "";
        }

        var exit = completion.Result;
        var stderr = string.IsNullOrWhiteSpace(exit.StandardError) ? "" : ": " + exit.StandardError.Trim().ReplaceLineEndings(" ");
        return $"; nginx on {_host.Name} exited with code {exit.ExitCode.ToString(CultureInfo.InvariantCulture)}{stderr}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                // A graceful stop lets the master reap its worker; killing the master alone could orphan it.
                if (!_process.Completion.IsCompleted)
                {
                    await _host.Runner.RunAsync(StopCommand(Site) with { Timeout = StopGrace }, CancellationToken.None);
                    await Task.WhenAny(_process.Completion, Task.Delay(StopGrace));
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

        await _files.RemoveQuietlyAsync(Site.Directory);
    }

    private async Task WriteSiteAsync(IReadOnlyList<long> payloadsBytes, CancellationToken cancellationToken)
    {
        var www = Site.Directory + "/www";
        await _files.CreateDirectoriesAsync([Site.Directory, www], "0755", cancellationToken);
        await _files.WriteAsync(Site.ConfigPath, NginxConfig.Render(Site), cancellationToken);
        foreach (var bytes in payloadsBytes.Distinct())
        {
            await _files.CreateSizedAsync(www + PathOf(bytes), bytes, cancellationToken);
        }

        await _files.MakeWorldReadableAsync(Site.Directory, cancellationToken);
    }
}
