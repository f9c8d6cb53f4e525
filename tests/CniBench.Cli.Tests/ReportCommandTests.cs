using CniBench.Processes;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Cli.Tests;

public sealed class ReportCommandTests
{
    private const string HostileCni = "<script>alert(1)</script>&x";

    [Fact]
    public async Task Report_ResultsFolder_WritesHtmlAndMarkdown()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        await SyntheticRunFolder.WriteAsync(run, new SyntheticRunSpec(), TestContext.Current.CancellationToken);

        var result = await CliInvocation.InvokeAsync("report", run, "--no-browser");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        Assert.True(File.Exists(Path.Combine(run, "report.md")));
        Assert.False(File.Exists(Path.Combine(run, "report.png")));
        Assert.Contains("report.html", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_NoSuchFolder_ExitsBadInput()
    {
        using var temp = new TempFolder();

        var result = await CliInvocation.InvokeAsync("report", Path.Combine(temp.Path, "missing"), "--no-browser");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("is not a folder", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_FolderWithOnlyMeasurements_MakesSummaryAndChartsAgain()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        await SyntheticRunFolder.WriteAsync(run, new SyntheticRunSpec { Netpol = false }, TestContext.Current.CancellationToken);
        File.Delete(Path.Combine(run, "summary.csv"));
        if (Directory.Exists(Path.Combine(run, "charts")))
        {
            Directory.Delete(Path.Combine(run, "charts"), recursive: true);
        }

        var result = await CliInvocation.InvokeAsync("report", run, "--no-browser");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.True(File.Exists(Path.Combine(run, "summary.csv")), "summary.csv was not made again");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "charts"), "*.svg"));
        Assert.Contains("<svg", await File.ReadAllTextAsync(Path.Combine(run, "report.html"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_CorruptCsv_ExitsBadInputNamingTheLine()
    {
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        await SyntheticRunFolder.WriteAsync(run, new SyntheticRunSpec { Netpol = false }, TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(Path.Combine(run, "measurements.csv"), "20261126T120000Z-5e7a,lab,calico,tcp\n", TestContext.Current.CancellationToken);

        var result = await CliInvocation.InvokeAsync("report", run, "--no-browser");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Matches(@"measurements\.csv line \d+", OutputText.Flat(result.Output));
    }

    [Fact]
    public async Task CheckAsync_ReportInChromium_EverySectionAndNoConsoleMessage()
    {
        var chromium = ChromiumOrSkip();
        using var temp = new TempFolder();
        var run = temp.Folder("run");
        await SyntheticRunFolder.WriteAsync(run, new SyntheticRunSpec { Cnis = [HostileCni, "calico", "calico+wireguard"], Http = true }, TestContext.Current.CancellationToken);
        var files = await ReportGenerator.WriteAsync(run, null, TestKinds.Metrics, TestContext.Current.CancellationToken);

        var check = await ReportBrowser.CheckAsync(
            LocalProcessRunner.Instance, chromium, files.HtmlPath, files.SectionIds, Path.Combine(run, "report.png"), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Empty(check.ConsoleMessages);
        Assert.Empty(check.MissingSections);
        Assert.Contains("ingress", files.SectionIds);
        Assert.Contains("caveats", files.SectionIds);
        Assert.Equal(Path.Combine(run, "report.png"), check.ScreenshotPath);
        var png = await File.ReadAllBytesAsync(check.ScreenshotPath!, TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 10_000, $"a {png.Length}-byte screenshot is blank");
    }

    [Fact]
    public async Task CheckAsync_PageWithExternalImageAndScript_ReportsConsoleMessagesAndMissingSection()
    {
        var chromium = ChromiumOrSkip();
        using var temp = new TempFolder();
        var page = temp.WriteFile("bad.html",
            $"""<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{HtmlReportWriter.ContentSecurityPolicy}"><title>x</title></head>""" +
            """<body><section id="summary"></section><img src="https://example.invalid/x.png"><script>undefinedFunction()</script></body></html>""");

        var check = await ReportBrowser.CheckAsync(
            LocalProcessRunner.Instance, chromium, page, ["summary", "charts"], Path.Combine(temp.Path, "bad.png"), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.False(check.Passed);
        Assert.Equal(["charts"], check.MissingSections);
        Assert.Contains(check.ConsoleMessages, m => m.Contains("example.invalid", StringComparison.Ordinal));
        Assert.Contains(check.ConsoleMessages, m => m.Contains("inline script", StringComparison.OrdinalIgnoreCase));
    }

    private static string ChromiumOrSkip()
    {
        var chromium = ReportBrowser.Find();
        if (chromium is null)
        {
            Assert.Skip("Chromium is not installed (apt-get install chromium; ./run.sh installs it)");
        }

        return chromium;
    }
}
