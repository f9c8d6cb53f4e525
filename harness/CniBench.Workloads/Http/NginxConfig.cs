using System.Globalization;
using System.Net;
using System.Text;

namespace CniBench.Workloads.Http;

/// <summary>Where one private nginx lives: its directory (config, pid, logs, temp and payload files) and its socket.</summary>
public sealed record NginxSite(string Directory, IPAddress Address, int Port)
{
    /// <summary>High enough that wrk's keep-alive connections are never closed by the server during a run.</summary>
    public int KeepaliveRequests { get; init; } = 10_000_000;

    public string ConfigPath => Directory + "/nginx.conf";

    public string PidPath => Directory + "/nginx.pid";

    public string ErrorLogPath => Directory + "/error.log";
}

/// <summary>Renders a minimal nginx.conf that serves the files of its own directory and writes nothing outside it. Pure.</summary>
public static class NginxConfig
{
    /// <summary>What the master logs once its listening socket is open and the worker is forked: the readiness line.</summary>
    public const string ReadyMarker = "start worker process";

    public static string Render(NginxSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.Port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(site), site.Port, "not a TCP port");
        }

        if (!site.Directory.StartsWith('/') || site.Directory.Any(c => char.IsWhiteSpace(c) || c is ';' or '{' or '}' or '"' or '\'' or '$'))
        {
            throw new ArgumentException($"'{site.Directory}' must be an absolute path without spaces or nginx syntax characters", nameof(site));
        }

        var d = site.Directory;
        var listen = site.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{site.Address}]:{site.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{site.Address}:{site.Port.ToString(CultureInfo.InvariantCulture)}";
        var text = new StringBuilder()
            .Append("# Written by CniBench for one measurement; everything nginx writes stays in this directory.\n")
            .Append("daemon off;\n")
            .Append("master_process on;\n")
            .Append("worker_processes 1;\n")
            .Append(CultureInfo.InvariantCulture, $"pid {site.PidPath};\n")
            .Append(CultureInfo.InvariantCulture, $"error_log {site.ErrorLogPath} warn;\n")
            // The process's stdout carries the notice-level startup lines, so the harness sees when nginx listens.
            .Append("error_log /dev/stdout notice;\n")
            .Append("events {\n    worker_connections 4096;\n}\n")
            .Append("http {\n")
            .Append("    access_log off;\n")
            .Append("    default_type application/octet-stream;\n")
            .Append("    sendfile on;\n")
            .Append("    tcp_nodelay on;\n")
            .Append(CultureInfo.InvariantCulture, $"    keepalive_requests {site.KeepaliveRequests};\n")
            .Append("    keepalive_timeout 75s;\n")
            .Append(CultureInfo.InvariantCulture, $"    client_body_temp_path {d}/client_body;\n")
            .Append(CultureInfo.InvariantCulture, $"    proxy_temp_path {d}/proxy;\n")
            .Append(CultureInfo.InvariantCulture, $"    fastcgi_temp_path {d}/fastcgi;\n")
            .Append(CultureInfo.InvariantCulture, $"    uwsgi_temp_path {d}/uwsgi;\n")
            .Append(CultureInfo.InvariantCulture, $"    scgi_temp_path {d}/scgi;\n")
            .Append("    server {\n")
            .Append(CultureInfo.InvariantCulture, $"        listen {listen};\n")
            .Append(CultureInfo.InvariantCulture, $"        root {d}/www;\n")
            .Append("        location / {\n            try_files $uri =404;\n        }\n")
            .Append("    }\n")
            .Append("}\n");
        return text.ToString();
    }
}
