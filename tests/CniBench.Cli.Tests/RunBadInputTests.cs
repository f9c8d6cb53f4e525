namespace CniBench.Cli.Tests;

/// <summary>
/// <c>cnibench run</c> on bad input, in process: exit 2, a message that says where and what was expected, and
/// nothing created (the results folder is made before any lab, so an empty --out proves no lab was started).
/// </summary>
public sealed class RunBadInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _out;

    public RunBadInputTests()
    {
        _out = _temp.Folder("results");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_ScenarioWithUnknownKeys_ReportsEachKeyWithLineAndColumn()
    {
        var file = _temp.WriteFile("unknown-key.yaml", """
            name: bad
            provider: lab
            cnis: [flannel]
            repetitons: 3
            tests:
              - test: tcp
                duraton: 2s
            """);

        var result = await RunAsync(file);

        AssertBadInput(result);
        Assert.Contains($"{file}:4:1: repetitons: unknown key 'repetitons' (did you mean 'repetitions'?)", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains($"{file}:7:5: tcp.duraton: unknown key 'duraton' (did you mean 'duration'?)", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains("has 2 problems", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: bad\n  cnis: [flannel]\ntests: []\n", 2, "not valid YAML")]
    [InlineData("name: bad\ncnis: [flannel\ntests:\n  - test: tcp\n", 0, "not valid YAML")]
    [InlineData("name: \"bad\ncnis: [flannel]\n", 0, "not valid YAML")]
    [InlineData("- just\n- a list\n", 1, "expected a mapping, found a list")]
    public async Task Run_ScenarioThatIsNotAScenarioMapping_ReportsLineAndColumn(string yaml, int line, string expected)
    {
        var file = _temp.WriteFile("bad.yaml", yaml);

        var result = await RunAsync(file);

        AssertBadInput(result);
        Assert.Contains(expected, OutputText.Flat(result.Output), StringComparison.Ordinal);
        // Some YAML errors are only detectable at the end of the text: then any line is fine, but it must be located.
        var location = line > 0 ? $@"{Escape(file)}:{line}:\d+: " : $@"{Escape(file)}:[1-9]\d*:\d+: ";
        Assert.Matches(location, OutputText.Flat(result.Output));
    }

    [Fact]
    public async Task Run_ScenarioWithWrongTypes_ReportsEveryValueWithWhatWasExpected()
    {
        var file = _temp.WriteFile("wrong-types.yaml", """
            name: bad
            provider: lab
            cnis: [flannel]
            repetitions: many
            underlay: perhaps
            lab:
              nodes: two
            tests:
              - test: tcp
                duration: fast
                streams: [1, lots]
            """);

        var result = await RunAsync(file);

        AssertBadInput(result);
        Assert.Contains($"{file}:4:14: repetitions: expected a whole number from 1 to 1000, found 'many'", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains($"{file}:5:11: underlay: expected true or false, found 'perhaps'", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains($"{file}:7:10: lab.nodes: expected a whole number from 2 to 50, found 'two'", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains($"{file}:10:15: tcp.duration: expected a duration", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains($"{file}:11:18: tcp.streams[1]: expected a whole number from 1 to 128, found 'lots'", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ScenarioNamingCniWithoutManifest_NamesTheKnownCnis()
    {
        var file = _temp.WriteFile("nosuch.yaml", Scenarios.Tcp("nosuch", ["flannel", "nosuch"], 1, 1));

        var result = await RunAsync(file);

        AssertBadInput(result);
        Assert.Contains($"{file}:4:17: unknown CNI 'nosuch': there is no manifests/cni/nosuch.yaml; known CNIs: calico, canal, cilium, flannel, kube-router, weavenet", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CniOptionWithoutManifest_NamesTheKnownCnis()
    {
        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));

        var result = await RunAsync(file, "--cni", "flannel,nosuch");

        AssertBadInput(result);
        // The message of an unknown CNI in the file (Run_UnknownCni_…), located at the option.
        Assert.Contains("--cni: unknown CNI 'nosuch': there is no manifests/cni/nosuch.yaml; known CNIs: calico, canal, cilium, flannel, kube-router, weavenet", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LabScenarioWithCniThatHasNoLabModel_ExitsBadInputBeforeCreatingAnything()
    {
        // Every shipped CNI has a lab model now: make a catalog where one has none.
        var manifests = _temp.Folder("manifests");
        foreach (var source in Directory.GetFiles(TestPaths.ManifestsDirectory, "*.yaml"))
        {
            var lines = File.ReadAllLines(source);
            var skipping = false;
            var kept = lines.Where(line =>
            {
                if (Path.GetFileName(source) == "cilium.yaml" && line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] != '#')
                {
                    // Its variants' lab sections change the lab model, so they go with it.
                    skipping = line.StartsWith("lab:", StringComparison.Ordinal) || line.StartsWith("variants:", StringComparison.Ordinal);
                }

                return !skipping;
            });
            File.WriteAllLines(Path.Combine(manifests, Path.GetFileName(source)), kept);
        }

        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));

        var result = await CliInvocation.InvokeAsync(["run", file, "--out", _out, "--manifests", manifests, "--cni", "cilium"]);

        AssertBadInput(result);
        Assert.Contains("CNI 'cilium' has no lab datapath model yet", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ScenarioFileMissing_ExitsBadInputNamingTheFile()
    {
        var file = Path.Combine(_temp.Path, "does-not-exist.yaml");

        var result = await RunAsync(file);

        AssertBadInput(result);
        Assert.Contains($"{file}: no such scenario file", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--repetitions", "0", "--repetitions: repetitions: expected a whole number from 1 to 1000, found '0'")]
    [InlineData("--repetitions", "1001", "--repetitions: repetitions: expected a whole number from 1 to 1000, found '1001'")]
    [InlineData("--duration", "abc", "--duration must be a duration such as 10, 10s or 2m, not 'abc'")]
    [InlineData("--duration", "0s", "--duration: tcp.duration: expected a duration from 1s to 3600s such as 10s, 500ms or 2m, found '0s'")]
    [InlineData("--duration", "1.5s", "--duration: tcp.duration must be whole seconds (iperf3's -t has no finer unit)")]
    public async Task Run_BadOptionValue_ExitsBadInputExplainingTheOption(string option, string value, string expected)
    {
        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));

        var result = await RunAsync(file, option, value);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains(expected, OutputText.Flat(result.All), StringComparison.Ordinal);
        AssertNothingCreated(result);
    }

    [Fact]
    public async Task Run_RepetitionsNotANumber_ExitsBadInputNamingTheOption()
    {
        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));

        var result = await RunAsync(file, "--repetitions", "abc");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("'abc'", result.All, StringComparison.Ordinal);
        Assert.Contains("--repetitions", result.All, StringComparison.Ordinal);
        AssertNothingCreated(result);
    }

    [Fact]
    public async Task Run_ManifestsFolderMissing_ExitsBadInputNamingIt()
    {
        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));
        var missing = Path.Combine(_temp.Path, "no-manifests");

        var result = await CliInvocation.InvokeAsync("run", file, "--out", _out, "--manifests", missing);

        AssertBadInput(result);
        Assert.Contains($"{missing}", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains("catalog directory does not exist", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ManifestThatIsNotYaml_ExitsBadInputNamingFileLineAndColumn()
    {
        var manifests = _temp.Folder("manifests");
        foreach (var manifest in Directory.GetFiles(TestPaths.ManifestsDirectory, "*.yaml"))
        {
            File.Copy(manifest, Path.Combine(manifests, Path.GetFileName(manifest)));
        }

        var broken = Path.Combine(manifests, "broken.yaml");
        await File.WriteAllTextAsync(broken, "name: broken\nlab: [\n", TestContext.Current.CancellationToken);
        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));

        var result = await CliInvocation.InvokeAsync("run", file, "--out", _out, "--manifests", manifests);

        AssertBadInput(result);
        Assert.Contains("CNI catalog", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Matches($@"{Escape(broken)}:\d+:\d+: not valid YAML", OutputText.Flat(result.Output));
    }

    [Fact]
    public async Task Run_OutIsAFile_ExitsBadInputSayingWhy()
    {
        RequireRoot("the results folder is made after the root check");
        var file = _temp.WriteFile("ok.yaml", Scenarios.Tcp("ok", ["flannel"], 1, 1));
        var notAFolder = _temp.WriteFile("not-a-folder", "x");

        var result = await CliInvocation.InvokeAsync("run", file, "--out", notAFolder, "--manifests", TestPaths.ManifestsDirectory);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains(notAFolder, OutputText.Flat(result.All), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.All, StringComparison.Ordinal);
        Assert.Empty(HostLabs.StateFilesOwnedBy(Environment.ProcessId));
    }

    [Fact]
    public async Task LabUp_CniWithoutManifest_ExitsBadInputNamingTheKnownCnis()
    {
        RequireRoot("lab up checks for root before its input");

        var result = await CliInvocation.InvokeAsync("lab", "up", "--cni", "nosuch", "--manifests", TestPaths.ManifestsDirectory);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("unknown CNI 'nosuch'; known: calico, canal, cilium, flannel, kube-router, weavenet, underlay", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Empty(HostLabs.StateFilesOwnedBy(Environment.ProcessId));
    }

    [Theory]
    [InlineData("--nodes", "1")]
    [InlineData("--pods", "0")]
    [InlineData("--mtu", "1000")]
    public async Task LabUp_ShapeOutOfRange_ExitsBadInput(string option, string value)
    {
        RequireRoot("lab up checks for root before its input");

        var result = await CliInvocation.InvokeAsync("lab", "up", option, value, "--manifests", TestPaths.ManifestsDirectory);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--nodes must be 2-50, --pods 1-50, --mtu 1280-9000", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Empty(HostLabs.StateFilesOwnedBy(Environment.ProcessId));
    }

    [Fact]
    public async Task BenchLab_CniWithoutManifest_ExitsBadInputNamingTheKnownCnis()
    {
        RequireRoot("bench lab checks for root before its input");

        var result = await CliInvocation.InvokeAsync("bench", "lab", "--cni", "nosuch", "-n", "1");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("unknown CNI 'nosuch'", OutputText.Flat(result.Output), StringComparison.Ordinal);
        Assert.Contains("calico, canal, cilium, flannel, kube-router, weavenet", OutputText.Flat(result.Output), StringComparison.Ordinal);
    }

    private static void RequireRoot(string why)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip($"needs root: {why}");
        }
    }

    private Task<CliResult> RunAsync(string scenario, params string[] more) =>
        CliInvocation.InvokeAsync(["run", scenario, "--out", _out, "--manifests", TestPaths.ManifestsDirectory, .. more]);

    private void AssertBadInput(CliResult result)
    {
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("nothing was started", OutputText.Flat(result.Output), StringComparison.Ordinal);
        AssertNothingCreated(result);
    }

    private void AssertNothingCreated(CliResult result)
    {
        Assert.True(Directory.GetFileSystemEntries(_out).Length == 0, $"bad input created {string.Join(", ", Directory.GetFileSystemEntries(_out))}\n{result}");
        Assert.Empty(HostLabs.StateFilesOwnedBy(Environment.ProcessId));
    }

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
