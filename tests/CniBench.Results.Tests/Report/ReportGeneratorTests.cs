using System.Text.RegularExpressions;
using CniBench.Core.Measurements;
using CniBench.Results.Report;
using CniBench.Runs;

namespace CniBench.Results.Tests.Report;

public sealed partial class ReportGeneratorTests
{
    private const string Evil = "<script>alert('x')</script>&co|pipe*";

    [Fact]
    public async Task WriteAsync_LabRun_WritesBothFilesWithEverySection()
    {
        using var dir = new TempRunDirectory();

        var (files, html, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec { Http = true });

        Assert.Equal(Path.Join(dir.Path, "report.html"), files.HtmlPath);
        foreach (var id in ReportBuilder.CoreSectionIds.Concat([ReportBuilder.IngressId, ReportBuilder.CaveatsId, "test-tcp", "test-netpol"]))
        {
            Assert.Contains(id, files.SectionIds);
            Assert.Contains($"<section id=\"{id}\">", html, StringComparison.Ordinal);
            Assert.Contains($"<a id=\"{id}\"></a>", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WriteAsync_NotLabNoHttp_LeavesOutCaveatsAndIngress()
    {
        using var dir = new TempRunDirectory();

        var (files, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec { Provider = "kubernetes", Http = false });

        Assert.DoesNotContain(ReportBuilder.CaveatsId, files.SectionIds);
        Assert.DoesNotContain(ReportBuilder.IngressId, files.SectionIds);
        Assert.DoesNotContain("eBPF", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_HostileNames_AreEscapedInHtml()
    {
        using var dir = new TempRunDirectory();

        var (_, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec { Cnis = [Evil, "calico"], Http = true });

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;co|pipe*", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_HostileNames_AreEscapedInMarkdown()
    {
        using var dir = new TempRunDirectory();

        var (_, _, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec { Cnis = [Evil, "calico"] });

        Assert.DoesNotContain("<script", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(@"&lt;script&gt;alert('x')&lt;/script&gt;&amp;co\|pipe\*", markdown, StringComparison.Ordinal);
        // Every table row keeps its column count: an escaped pipe does not split a cell.
        foreach (var table in Tables(markdown))
        {
            Assert.All(table, row => Assert.Equal(CellCount(table[0]), CellCount(row)));
        }
    }

    [Fact]
    public async Task WriteAsync_Html_IsSelfContained()
    {
        using var dir = new TempRunDirectory();

        var (_, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec());

        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(HtmlReportWriter.ContentSecurityPolicy, html, StringComparison.Ordinal);
        Assert.Contains("<figure id=\"chart-tcp-throughput\"><svg", html, StringComparison.Ordinal);
        Assert.Contains("id=\"c1-cl_4\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"c2-cl_4\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Markdown_LinksPngCharts()
    {
        using var dir = new TempRunDirectory();

        var (_, _, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec());

        Assert.Contains("![tcp-throughput](charts/tcp-throughput.png)", markdown, StringComparison.Ordinal);
        Assert.Contains("(charts/udp-throughput.svg)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_FailedAndUnsupported_ListedWithReasons()
    {
        using var dir = new TempRunDirectory();

        var (_, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec());

        var failures = Section(html, ReportBuilder.FailuresId);
        Assert.Contains("iperf3 exited with 1: unable to connect to server - server busy", failures, StringComparison.Ordinal);
        Assert.Contains("same-node traffic does not cross the underlay", failures, StringComparison.Ordinal);
        Assert.Contains("<td>failed</td>", failures, StringComparison.Ordinal);
        Assert.Contains("<td>unsupported</td>", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_FailedPolicyCase_ShowsItsDiff()
    {
        using var dir = new TempRunDirectory();

        var (_, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec { Cnis = ["calico", "flannel"] });

        var netpol = Section(html, ReportBuilder.NetpolId);
        Assert.Contains("FAIL (2 wrong)", netpol, StringComparison.Ordinal);
        Assert.Contains("flannel: 02-deny-all-egress (repetition 1), netpol/flannel/02-deny-all-egress-r1.txt", netpol, StringComparison.Ordinal);
        Assert.Contains("80/TCP diff (. match, X mismatch, - not graded)", netpol, StringComparison.Ordinal);
        Assert.DoesNotContain("80/TCP expected", netpol, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_LabPolicyCases_LabelledAsModelledAndNotTestedCaseIsNeverAPass()
    {
        using var dir = new TempRunDirectory();

        var (_, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec { Cnis = ["calico", "flannel"], NotTestedCase = true });

        var netpol = Section(html, ReportBuilder.NetpolId);
        Assert.Contains("Lab conformance is modelled from the CNI&#39;s documentation; run on a cluster to test the CNI itself", netpol, StringComparison.Ordinal);
        Assert.Contains("not tested", netpol, StringComparison.Ordinal);
        // 24-sctp-only counts in no CNI's tally: calico passed both graded cases, flannel one.
        Assert.Contains("2/2", netpol, StringComparison.Ordinal);
        Assert.Contains("1/2", netpol, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_PerTestTable_HasNMedianAndCi()
    {
        using var dir = new TempRunDirectory();
        await SyntheticRunFolder.WriteAsync(dir.Path, new SyntheticRunSpec { Repetitions = 3 }, TestContext.Current.CancellationToken);
        var summary = SummaryBuilder.Build(MeasurementCsvReader.Read(Path.Join(dir.Path, "measurements.csv")));
        var row = summary.First(r => r.Cni == "calico" && r.Test == "tcp" && r.Topology == Topologies.CrossNode && r.Metric == Metrics.ThroughputBps);

        var files = await ReportGenerator.WriteAsync(dir.Path, null, TestKinds.Metrics, TestContext.Current.CancellationToken);

        var tcp = Section(await File.ReadAllTextAsync(files.HtmlPath, TestContext.Current.CancellationToken), "test-tcp");
        Assert.Contains("<th class=\"num\">n</th><th class=\"num\">median</th><th class=\"num\">95% CI of the mean</th>", tcp, StringComparison.Ordinal);
        Assert.Contains(
            $"<td class=\"num\">3</td><td class=\"num\">{ReportFormat.Value(row.Median, row.Unit)}</td><td class=\"num\">{ReportFormat.Interval(row.Ci95Low, row.Ci95High, row.Unit)}</td>",
            tcp, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, @"<td class=""num"">\d+% \[no 95% interval\]</td>")]
    [InlineData(5, @"<td class=""num"">\d+% \[\d+%–\d+%\]</td>")]
    public async Task WriteAsync_PercentOfUnderlay_CarriesItsInterval(int repetitions, string cell)
    {
        using var dir = new TempRunDirectory();

        var (_, html, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec { Repetitions = repetitions });

        var tcp = Section(html, "test-tcp");
        Assert.Contains("<th class=\"num\">% of underlay [95% interval]</th>", tcp, StringComparison.Ordinal);
        Assert.Matches(cell, tcp);
        Assert.DoesNotMatch(@"<td class=""num"">\d+%</td>", tcp);
        Assert.Contains("% of underlay \\[95% interval\\]", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_LabRunWithAnAaPair_NamesThePairAndItsGapInBothFormats()
    {
        using var dir = new TempRunDirectory();
        var same = new Dictionary<string, string> { ["lab.datapath_fingerprint"] = "attachment=routed;encapsulation=vxlan" };

        var (files, html, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec
        {
            Cnis = ["canal", "cilium", "flannel"],
            Repetitions = 5,
            ClusterFacts = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["canal"] = same, ["cilium"] = same },
        });

        Assert.Contains(ReportBuilder.NoiseId, files.SectionIds);
        foreach (var text in new[] { html, markdown })
        {
            ContainsAll(text, "canal and cilium build the same datapath in the lab", "Their measured gap is the run",
                "Noise floor: canal and cilium build the same datapath in the lab; cilium measured ");
        }

        var noise = Section(html, ReportBuilder.NoiseId);
        Assert.Contains("<table id=\"noise-floor\">", noise, StringComparison.Ordinal);
        Assert.Matches(@"<td>TCP throughput</td><td>tcp streams-1 cross-node</td><td>canal: [\d.]+ Gbit/s</td><td>cilium: [\d.]+ Gbit/s</td><td class=""num"">\d+% \[\d+%–\d+%\], n=5\+5</td><td class=""num"">\d+%</td>", noise);
        Assert.Contains("| TCP throughput | tcp streams-1 cross-node | canal: ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_FiveRepetitions_StatesTheSmallestDetectableChangePerMetricInBothFormats()
    {
        using var dir = new TempRunDirectory();

        var (_, html, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec { Repetitions = 5 });

        var noise = Section(html, ReportBuilder.NoiseId);
        Assert.Contains("Smallest detectable change: what cnibench compare (minimum effect 5%) could call", noise, StringComparison.Ordinal);
        Assert.Contains("<table id=\"detectable-change\">", noise, StringComparison.Ordinal);
        Assert.Matches(@"<td>throughput_bps</td><td class=""num"">(±|&#177;)[\d.]+%</td>", noise);
        Assert.Matches(@"\| throughput\\_bps \| ±[\d.]+% \|", markdown);
    }

    [Fact]
    public async Task WriteAsync_RunWithIdleChecks_StatesHowBusyTheHostWasBeforeTheMeasurements()
    {
        using var dir = new TempRunDirectory();
        var ct = TestContext.Current.CancellationToken;
        await SyntheticRunFolder.WriteAsync(dir.Path, new SyntheticRunSpec(), ct);
        var csv = Path.Combine(dir.Path, "measurements.csv");
        var rows = new[] { (1, 0, 100.0), (2, 0, 96.0), (3, 1, 4.0) }.SelectMany(c => new[]
        {
            $"{SyntheticRunFolder.RunId},lab,calico,tcp,streams-1,cross-node,{c.Item1},{Metrics.IdleCheckIdle},{c.Item2},bool,ok,,2026-11-26T12:00:00Z,",
            $"{SyntheticRunFolder.RunId},lab,calico,tcp,streams-1,cross-node,{c.Item1},{Metrics.IdleCheckBusyPercent},{c.Item3},%,ok,,2026-11-26T12:00:00Z,",
        });
        await File.AppendAllLinesAsync(csv, rows, ct);

        var files = await ReportGenerator.WriteAsync(dir.Path, null, TestKinds.Metrics, ct);

        var noise = Section(await File.ReadAllTextAsync(files.HtmlPath, ct), ReportBuilder.NoiseId);
        Assert.Contains("1 of 3 measurements started on an idle host; the host&#39;s busy share just before a measurement was 96% in the median (4–100%).", noise, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_NoAaPairFewRepetitions_SaysNoNoiseControlWasMeasured()
    {
        using var dir = new TempRunDirectory();

        var (_, html, _) = await WriteReportAsync(dir, new SyntheticRunSpec { Repetitions = 3 });

        var noise = Section(html, ReportBuilder.NoiseId);
        ContainsAll(noise, "run.json records no datapath fingerprint", "No noise control was measured: the underlay has 3 repetitions of TCP throughput");
        Assert.DoesNotContain("<table", noise, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Methodology_StatesFiguresWindowsIntervalsAndWhyOver100Percent()
    {
        using var dir = new TempRunDirectory();

        var (files, html, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec { Http = true });

        Assert.Contains(ReportBuilder.MethodologyId, files.SectionIds);
        Assert.Contains("<a id=\"methodology\"></a>\n\n## Methodology", markdown, StringComparison.Ordinal);
        // The synthetic folder has no raw tool output, so the window is the scenario's, and the report says it could not read it.
        ContainsAll(Section(html, ReportBuilder.MethodologyId),
            "iperf3&#39;s receiver rate", "the datapath&#39;s own processes", "wrk&#39;s completed requests per second", "underlay bridge", "DF set",
            "95% Hodges–Lehmann interval of the ratio", "95% confidence interval of the mean", "More than 100% of the underlay",
            "GSO", "2-core host", "within noise unless its interval excludes 100%", "this run measured no noise control",
            "no raw tool output in this folder");
    }

    [Fact]
    public async Task WriteAsync_UserspaceWireGuard_SaysSoInTheCellAndTheLegend()
    {
        using var dir = new TempRunDirectory();
        var userspace = new Dictionary<string, string> { ["implementation"] = "wireguard-go v0.0.20220316", ["encryption"] = "wireguard" };

        var (_, html, markdown) = await WriteReportAsync(dir, new SyntheticRunSpec
        {
            Cnis = ["calico", "calico+wireguard", "flannel+wireguard"],
            ClusterFacts = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["calico+wireguard"] = userspace, ["flannel+wireguard"] = userspace },
        });

        const string Cell = "of flannel+wireguard, n=3; userspace wireguard-go, not kernel WireGuard)";
        ContainsAll(Section(html, ReportBuilder.SummaryId), Cell, "userspace wireguard-go: this host&#39;s kernel has no WireGuard module");
        ContainsAll(markdown, Cell);
    }

    [Fact]
    public async Task WriteAsync_NoMeasurementsCsv_Throws()
    {
        using var dir = new TempRunDirectory();

        await Assert.ThrowsAsync<FileNotFoundException>(() => ReportGenerator.WriteAsync(dir.Path, null, TestKinds.Metrics, TestContext.Current.CancellationToken));
    }

    /// <summary>Writes a synthetic run for <paramref name="spec"/> into <paramref name="dir"/>, then its report; returns the files and their text.</summary>
    private static async Task<(ReportFiles Files, string Html, string Markdown)> WriteReportAsync(TempRunDirectory dir, SyntheticRunSpec spec)
    {
        var ct = TestContext.Current.CancellationToken;
        await SyntheticRunFolder.WriteAsync(dir.Path, spec, ct);
        var files = await ReportGenerator.WriteAsync(dir.Path, null, TestKinds.Metrics, ct);
        return (files, await File.ReadAllTextAsync(files.HtmlPath, ct), await File.ReadAllTextAsync(files.MarkdownPath, ct));
    }

    private static void ContainsAll(string text, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.Contains(part, text, StringComparison.Ordinal);
        }
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        var end = html.IndexOf("<section id=", start + 10, StringComparison.Ordinal);
        return end < 0 ? html[start..] : html[start..end];
    }

    private static List<List<string>> Tables(string markdown)
    {
        var tables = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("| ", StringComparison.Ordinal))
            {
                current ??= [];
                current.Add(line);
            }
            else if (current is not null)
            {
                tables.Add(current);
                current = null;
            }
        }

        return tables;
    }

    private static int CellCount(string row) => UnescapedPipe().Count(row);

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    [GeneratedRegex(@"(src|href)\s*=\s*""(https?:|//)", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
