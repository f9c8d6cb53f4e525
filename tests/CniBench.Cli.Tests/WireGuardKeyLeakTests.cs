using CniBench.Lab;
using CniBench.Processes;

namespace CniBench.Cli.Tests;

/// <summary>
/// A WireGuard run's private keys exist only in its lab's key folder while the lab is up: never in the results
/// folder (CSV, run.json, raw tool output, report) nor in what the CLI prints. The test reads the keys from the
/// key folder during the run, then searches everything the run produced for them.
/// </summary>
[Collection(LabRunCollection.Name)]
public sealed class WireGuardKeyLeakTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_CalicoWireGuard_PrivateKeysAppearInNoResultFileAndNoOutput()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: the run builds network-namespace labs");
        }

        foreach (var tool in new[] { "ip", "iperf3", "wg", "wireguard-go" })
        {
            if (ToolPackages.Which(tool) is null)
            {
                Assert.Skip($"a WireGuard lab run needs {tool}");
            }
        }

        var output = _temp.Folder("results");
        var scenario = _temp.WriteFile("wg.yaml", Scenarios.Tcp("wg-keys", ["calico+wireguard"], 1, 1, underlay: false));
        var before = KeyFolders();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var cli = CliProcess.Start(
            new CliProcessOptions { WorkingDirectory = _temp.Path },
            ["run", scenario, "--out", output, "--manifests", TestPaths.ManifestsDirectory]))
        {
            var exited = cli.WaitForExitAsync(TimeSpan.FromSeconds(90), Token);
            while (!exited.IsCompleted)
            {
                foreach (var folder in KeyFolders().Except(before))
                {
                    seen.Add(folder);
                    foreach (var file in SafeFiles(folder))
                    {
                        if (SafeRead(file)?.Trim() is { Length: > 0 } key)
                        {
                            keys.Add(key);
                        }
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), Token);
            }

            var code = await exited;
            Assert.True(code == 0, $"exit {code}:\n{cli.Output}");
            Assert.True(keys.Count >= 2, $"saw {keys.Count} private keys during the run (2 nodes expected):\n{cli.Output}");
            foreach (var key in keys)
            {
                Assert.DoesNotContain(key, cli.Output, StringComparison.Ordinal);
            }
        }

        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("measurements.csv", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, Token);
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            foreach (var key in keys)
            {
                Assert.False(text.Contains(key, StringComparison.Ordinal), $"{file} holds a private key of the run");
            }
        }

        // Teardown deletes the key folder with the lab.
        Assert.DoesNotContain(seen, Directory.Exists);
    }

    private static HashSet<string> KeyFolders() =>
        Directory.Exists(LabWireGuard.DefaultKeyDirectory)
            ? [.. Directory.EnumerateDirectories(LabWireGuard.DefaultKeyDirectory)]
            : [];

    private static IEnumerable<string> SafeFiles(string folder)
    {
        try
        {
            return [.. Directory.EnumerateFiles(folder)];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static string? SafeRead(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
