using System.Net;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Tests.Http;

public sealed class NginxConfigTests
{
    private static readonly NginxSite Site = new("/tmp/cnb-http-ab12cd34", IPAddress.Parse("198.19.2.2"), 8080);

    [Fact]
    public void Render_Site_ListensOnThePodAddressAndKeepsEverythingInItsDirectory()
    {
        var conf = NginxConfig.Render(Site);

        Assert.Contains("daemon off;\nmaster_process on;\nworker_processes 1;\n", conf, StringComparison.Ordinal);
        Assert.Contains("listen 198.19.2.2:8080;", conf, StringComparison.Ordinal);
        Assert.Contains("pid /tmp/cnb-http-ab12cd34/nginx.pid;", conf, StringComparison.Ordinal);
        Assert.Contains("error_log /tmp/cnb-http-ab12cd34/error.log warn;", conf, StringComparison.Ordinal);
        Assert.Contains("error_log /dev/stdout notice;", conf, StringComparison.Ordinal);
        Assert.Contains("access_log off;", conf, StringComparison.Ordinal);
        Assert.Contains("keepalive_requests 10000000;", conf, StringComparison.Ordinal);
        Assert.Contains("root /tmp/cnb-http-ab12cd34/www;", conf, StringComparison.Ordinal);
        foreach (var temp in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Assert.Contains($"{temp}_temp_path /tmp/cnb-http-ab12cd34/{temp};", conf, StringComparison.Ordinal);
        }

        // Every absolute path in the file is inside the site's directory, apart from the process's own stdout (and the location "/").
        var paths = conf.Split([' ', '\n', ';'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.StartsWith('/'));
        Assert.All(paths, p => Assert.True(p.StartsWith("/tmp/cnb-http-ab12cd34/", StringComparison.Ordinal) || p is "/dev/stdout" or "/", p));
        Assert.Equal(conf.Count(c => c == '{'), conf.Count(c => c == '}'));
    }

    [Fact]
    public void Render_Ipv6Address_BracketsIt()
    {
        Assert.Contains("listen [fd00::2]:8080;", NginxConfig.Render(Site with { Address = IPAddress.Parse("fd00::2") }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/dir")]
    [InlineData("/tmp/has space")]
    [InlineData("/tmp/x;include /etc/passwd")]
    public void Render_UnsafeDirectory_Throws(string directory)
    {
        Assert.Throws<ArgumentException>(() => NginxConfig.Render(Site with { Directory = directory }));
    }

    [Fact]
    public void StartAndStopCommands_PointNginxAtTheSiteOnly()
    {
        Assert.Equal(["-e", "stderr", "-p", "/tmp/cnb-http-ab12cd34/", "-c", "/tmp/cnb-http-ab12cd34/nginx.conf"], NginxServer.StartCommand(Site).Arguments);
        Assert.Equal(["-s", "stop"], NginxServer.StopCommand(Site).Arguments.TakeLast(2));
        Assert.Equal("/100KiB", NginxServer.PathOf(102_400));
    }
}
