using System.Text.RegularExpressions;
using CniBench.Core.Processes;

namespace CniBench.Results.Report;

/// <summary>What headless Chromium made of a report: sections it could not find, console messages, the screenshot.</summary>
public sealed record BrowserCheck(IReadOnlyList<string> MissingSections, IReadOnlyList<string> ConsoleMessages, string? ScreenshotPath)
{
    /// <summary>The report has no script, so any console message (a refused load, a parse error) is a defect.</summary>
    public bool Passed => MissingSections.Count == 0 && ConsoleMessages.Count == 0 && ScreenshotPath is not null;
}

/// <summary>
/// Opens report.html in headless Chromium twice: once to dump the DOM the browser built (every section id must be in
/// it) with the console logged to stderr, once to take a screenshot. Each call is bounded by a timeout; Chromium gets
/// a throw-away profile and a host resolver that resolves nothing, so it cannot reach any network.
/// </summary>
public static partial class ReportBrowser
{
    public const int WindowWidth = 1280;
    public const int WindowHeight = 2000;

    private static readonly string[] Candidates = ["chromium", "chromium-browser", "google-chrome"];

    /// <summary>The first Chromium on PATH, or null.</summary>
    public static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return Candidates
            .SelectMany(name => path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Join(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <exception cref="ProcessTimeoutException">Chromium did not finish within <paramref name="timeout"/> (it is killed).</exception>
    public static async Task<BrowserCheck> CheckAsync(
        IProcessRunner runner, string chromium, string htmlPath, IReadOnlyList<string> sectionIds, string screenshotPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(sectionIds);
        var url = new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri;
        var profile = Directory.CreateTempSubdirectory("cnb-chromium-").FullName;
        try
        {
            var dump = await runner.RunAsync(
                new ProcessSpec(chromium, [.. CommonArguments(profile), "--enable-logging=stderr", "--v=0", "--dump-dom", url]) { Timeout = timeout },
                cancellationToken);
            var ids = ElementId().Matches(dump.StandardOutput).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            var missing = sectionIds.Where(id => !ids.Contains(id)).ToList();
            if (dump.StandardOutput.Length == 0)
            {
                missing = [.. sectionIds];
            }

            var console = dump.StandardError.Split('\n')
                .Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal))
                .Select(line => line.Trim())
                .ToList();

            var temporary = screenshotPath + ".tmp.png";
            File.Delete(temporary);
            await runner.RunAsync(
                new ProcessSpec(chromium, [.. CommonArguments(profile), "--hide-scrollbars", $"--window-size={WindowWidth},{WindowHeight}", "--screenshot=" + temporary, url]) { Timeout = timeout },
                cancellationToken);
            string? screenshot = null;
            if (File.Exists(temporary) && new FileInfo(temporary).Length > 0)
            {
                File.Move(temporary, screenshotPath, overwrite: true);
                screenshot = screenshotPath;
            }

            return new BrowserCheck(missing, console, screenshot);
        }
        finally
        {
            TryDelete(profile);
        }
    }

    private static string[] CommonArguments(string profile) =>
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-domain-reliability",
        "--no-pings",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--user-data-dir=" + profile,
    ];

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A profile file still held by a dying child process; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex("\\sid=\"([^\"]+)\"")]
    private static partial Regex ElementId();
}
