using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Results.Compare;

namespace CniBench.Results.Report;

/// <summary>Turns a run folder's content into the <see cref="ReportDocument"/> both writers render.</summary>
public static class ReportBuilder
{
    public const string SummaryId = "summary";
    public const string NoiseId = "noise";
    public const string MethodologyId = ReportMethodology.SectionId;
    public const string ChartsId = "charts";
    public const string TestsId = "tests";
    public const string FailuresId = "failures";
    public const string NetpolId = "netpol";
    public const string IngressId = "ingress";
    public const string EnvironmentId = "environment";
    public const string CaveatsId = "caveats";

    /// <summary>Sections every report has, whatever the run measured.</summary>
    public static IReadOnlyList<string> CoreSectionIds { get; } = [SummaryId, NoiseId, ChartsId, TestsId, FailuresId, NetpolId, MethodologyId, EnvironmentId];

    /// <summary>Wording of docs/numbers.md ("What the numbers mean"): what a lab figure does and does not measure.</summary>
    public static IReadOnlyList<string> LabCaveats { get; } =
    [
        "Lab results measure the kernel datapath that each CNI builds in its default mode (or in the named variant). They do not measure the CNI's agents, eBPF programs or control plane.",
        "Each lab model is data in manifests/cni/<name>.yaml, together with the upstream sources it rests on and what it simplifies.",
        "All lab nodes are network namespaces on one host: they share its CPUs, so figures compare datapaths with each other, not with real machines.",
        "Only the underlay's cross-node figure exists, so same-node pod traffic is compared with node-to-node traffic too.",
    ];

    private static readonly string[] IngressMetrics = [Metrics.RequestsPerSecond, Metrics.LatencyP50Ms, Metrics.LatencyP90Ms, Metrics.LatencyP99Ms];

    public static ReportDocument Build(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = input.Run;
        var onLab = SummaryMatrixBuilder.IsLab(run, input.Measurements);
        var matrix = SummaryMatrixBuilder.Build(input.Summary, run, input.CaseDirections, input.Measurements, input.Metrics);
        var noise = NoiseFloor.Build(run, input.Measurements, matrix);
        var sections = new List<ReportSection>
        {
            Summary(matrix, noise, onLab),
            Noise(noise, input.Measurements, onLab, input.Metrics),
            Charts(input),
            Tests(input),
            Failures(input),
            Netpol(input, onLab),
        };
        if (IngressRows(input.Summary) is { Count: > 0 } ingress)
        {
            sections.Add(Ingress(ingress));
        }

        sections.Add(ReportMethodology.Build(input, matrix, noise));
        sections.Add(Environment(input));
        if (onLab)
        {
            sections.Add(new ReportSection(CaveatsId, "Lab-model caveats", [new BulletList(LabCaveats)]));
        }

        var runId = run?.RunId ?? (input.Measurements.Count > 0 ? input.Measurements[0].RunId : null) ?? Path.GetFileName(input.RunDirectory);
        var ok = input.Measurements.Count(m => m.Status == MeasurementStatus.Ok);
        var failed = input.Measurements.Count(m => m.Status == MeasurementStatus.Failed);
        var unsupported = input.Measurements.Count(m => m.Status == MeasurementStatus.Unsupported);
        var lead = new List<string>
        {
            $"Run {runId}" + (run is null ? "" : $" of scenario {run.ScenarioName} on provider {run.Provider}, {Date(run.StartedAt)}"),
            $"{ReportFormat.Count(input.Measurements.Count)} measurement rows: {ReportFormat.Count(ok)} ok, {ReportFormat.Count(failed)} failed, {ReportFormat.Count(unsupported)} unsupported.",
        };
        if (onLab)
        {
            lead.Add("Lab provider: these figures measure each CNI's kernel datapath model, not its agents, eBPF programs or control plane (see the caveats at the end).");
        }

        var title = "CniBench report" + (run is null ? "" : ": " + run.ScenarioName);
        return new ReportDocument(title, lead, sections);
    }

    /// <summary>
    /// Rows of HTTP or ingress load: every row of a test that measured requests or their latency (wrk's figures, which
    /// the http and ingress kinds write), and any row on the ingress topology.
    /// </summary>
    private static List<SummaryRow> IngressRows(IReadOnlyList<SummaryRow> summary)
    {
        var load = summary.Where(r => IngressMetrics.Contains(r.Metric, StringComparer.Ordinal)).Select(r => r.Test).ToHashSet(StringComparer.Ordinal);
        return [.. summary.Where(r => r.Topology == Topologies.Ingress || load.Contains(r.Test))];
    }

    private static ReportSection Summary(SummaryMatrix matrix, NoiseControl noise, bool onLab)
    {
        var blocks = new List<ReportBlock>();
        if (matrix.Rows.Count == 0)
        {
            blocks.Add(new Paragraph("No CNI was measured in this run."));
        }
        else
        {
            blocks.Add(new Paragraph("Each CNI on each criterion: best, acceptable or poor by the thresholds below; n/a where the run did not measure it or it does not apply. A figure's ratio to the reference comes with its 95% interval and n (see the methodology)."));
            blocks.Add(new Table(
                ["CNI", .. matrix.Criteria.Select(c => c.Title)],
                [.. matrix.Rows.Select(r => (IReadOnlyList<Cell>)[new Cell(r.Cni), .. r.Cells.Select(c => new Cell(c.Text, c.Rating))])],
                "matrix"));
            blocks.Add(new BulletList(Legend(matrix, onLab)));
            blocks.Add(new Paragraph(NoiseFloor.Headline(noise)));
        }

        blocks.Add(new Table(
            ["criterion", "thresholds", "this run's basis"],
            [.. matrix.Criteria.Select(c => (IReadOnlyList<Cell>)[c.Title, c.Rule, c.Basis.Length == 0 ? "not measured" : c.Basis])],
            "thresholds"));
        blocks.Add(new Paragraph("The reference of a relative criterion is the underlay (node to node, no CNI) for the same test and variant when the run measured it, else the best CNI; a cluster that measures a stand-in is compared only with clusters measured the same way. Each criterion uses one group: cross-node where measured, and the first variant the run measured."));
        return new ReportSection(SummaryId, "Summary matrix", blocks);
    }

    /// <summary>What the cells' abbreviations and notes mean; only the notes the matrix uses.</summary>
    private static List<string> Legend(SummaryMatrix matrix, bool onLab)
    {
        var texts = matrix.Rows.SelectMany(r => r.Cells).Select(c => c.Text).ToList();
        var legend = new List<string>
        {
            "72% [68%–75%], n=5: the median as a share of the reference, the 95% interval of that ratio, and the repetitions; ×1.20: a multiple of the reference (CPU). \"within noise\": the median alone would rate lower, but the interval does not lie wholly beyond the threshold.",
        };
        if (texts.Any(t => t.Contains(SummaryMatrixBuilder.WireGuardGoShortNote, StringComparison.Ordinal)))
        {
            legend.Add($"{SummaryMatrixBuilder.WireGuardGoShortNote}: this host's kernel has no WireGuard module, so the lab ran WireGuard in userspace; these cells measure wireguard-go, not the CNI's kernel WireGuard, and are rated only against clusters measured the same way (the best of them is the reference).");
        }

        if (onLab && texts.Any(t => t.Contains(SummaryMatrixBuilder.LabModelNote, StringComparison.Ordinal)))
        {
            legend.Add($"{SummaryMatrixBuilder.LabModelNote}: the lab enforces policy with its own nftables model of what the CNI supports, so policy cells rate that model on the CNI's datapath, not the CNI's agent.");
        }

        return legend;
    }

    private static ReportSection Noise(NoiseControl noise, IReadOnlyList<Measurement> measurements, bool onLab, MetricRegistry metrics)
    {
        var blocks = new List<ReportBlock>();
        foreach (var pair in noise.Pairs)
        {
            blocks.Add(new Paragraph($"{pair.First} and {pair.Second} build the same datapath in the {(onLab ? "lab" : "run")}: their datapath fingerprints are equal ({pair.Fingerprint})."));
        }

        if (noise.Kind == NoiseControlKind.AaPairs && noise.Gaps.Count > 0)
        {
            blocks.Add(new Paragraph("Their measured gap is the run's noise floor: what noise alone does to a figure here. A gap between other clusters no larger than this is no evidence of a difference."));
        }

        blocks.AddRange(noise.Notes.Select(n => new Paragraph(n)));
        if (noise.Gaps.Count > 0)
        {
            blocks.Add(new Table(
                ["criterion", "measured", "first", "second", "second / first [95% interval], n", "gap"],
                [.. noise.Gaps.Select(g => (IReadOnlyList<Cell>)
                [
                    g.Criteria,
                    g.Group.ToString(),
                    $"{g.First}: {ReportFormat.Value(g.Comparison.BaselineMedian, g.Unit)}",
                    $"{g.Second}: {ReportFormat.Value(g.Comparison.CandidateMedian, g.Unit)}",
                    NoiseFloor.GapText(g),
                    g.Gap is { } gap ? ReportFormat.Percent(100 * gap) : "–",
                ])],
                "noise-floor")
            {
                NumericColumns = new HashSet<int> { 4, 5 },
            });
        }

        if (HostLoad(measurements) is { } load)
        {
            blocks.Add(new Paragraph(load));
        }

        blocks.AddRange(Detectable(measurements, metrics));
        return new ReportSection(NoiseId, "Noise floor (A/A control)", blocks);
    }

    /// <summary>What the idle check saw before the measurements: on a host busy with other work, figures move between runs.</summary>
    private static string? HostLoad(IReadOnlyList<Measurement> measurements)
    {
        var idle = measurements.Where(m => m is { Metric: Metrics.IdleCheckIdle, Status: MeasurementStatus.Ok, Value: not null }).ToList();
        var busy = measurements
            .Where(m => m is { Metric: Metrics.IdleCheckBusyPercent, Status: MeasurementStatus.Ok, Value: not null })
            .Select(m => m.Value!.Value)
            .Order()
            .ToList();
        if (idle.Count == 0 || busy.Count == 0)
        {
            return null;
        }

        var median = busy.Count % 2 == 1 ? busy[busy.Count / 2] : (busy[(busy.Count / 2) - 1] + busy[busy.Count / 2]) / 2;
        var seen = string.Create(CultureInfo.InvariantCulture,
            $"{idle.Count(m => m.Value == 1)} of {idle.Count} measurements started on an idle host; the host's busy share just before a measurement was {median:0}% in the median ({busy[0]:0}–{busy[^1]:0}%)");
        return $"Host load (the idle check before each measurement): {seen}. " +
            "Other work on the host moves figures between runs, so a busy host widens what a comparison with another run can see.";
    }

    /// <summary>Per judged metric, the smallest change <c>compare</c> could call against a run with this one's spread.</summary>
    private static IEnumerable<ReportBlock> Detectable(IReadOnlyList<Measurement> measurements, MetricRegistry metrics)
    {
        var options = ComparisonOptions.Default;
        var detectable = DetectableChange.OfRun(measurements, options, metrics);
        if (detectable.Count == 0)
        {
            yield break;
        }

        yield return new Paragraph(
            $"Smallest detectable change: what cnibench compare (minimum effect {options.ThresholdText}) could call between this run and another with the same " +
            "spread of repetitions and no shift of its own: the threshold plus half the 95% interval of each series compared with itself, the median over the " +
            "metric's series. A shift between runs on a shared host comes on top, so a real comparison of two runs sees only larger changes.");
        yield return new Table(
            ["metric", "smallest detectable change", "series"],
            [.. detectable.Select(d => (IReadOnlyList<Cell>)[d.Metric, $"±{d.Text}", d.Rows.ToString(CultureInfo.InvariantCulture)])],
            "detectable-change")
        {
            NumericColumns = new HashSet<int> { 1, 2 },
        };
    }

    private static ReportSection Charts(ReportInput input)
    {
        if (input.Charts.Count == 0)
        {
            return new ReportSection(ChartsId, "Charts", [new Paragraph("This run has no charts.")]);
        }

        List<ReportBlock> blocks =
        [
            new Paragraph("Bars are medians, whiskers the 95% CI of the mean, the dashed line the underlay's median (see results/README.md)."),
            .. input.Charts.Select(c => new Figure(c, c.Stem)),
        ];
        return new ReportSection(ChartsId, "Charts", blocks);
    }

    private static ReportSection Tests(ReportInput input)
    {
        var values = new RepetitionValues(input.Measurements);
        var tests = input.Summary.Select(r => r.Test).Distinct(StringComparer.Ordinal).ToList();
        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        var subsections = tests.Select(test =>
        {
            var rows = input.Summary.Where(r => r.Test == test).ToList();
            var table = new Table(
                ["CNI", "variant", "topology", "metric", "n", "median", "95% CI of the mean", "% of underlay [95% interval]", "failed", "unsupported"],
                [.. rows.Select(r => (IReadOnlyList<Cell>)
                [
                    r.Cni, r.Variant, r.Topology, r.Metric,
                    r.N.ToString(CultureInfo.InvariantCulture),
                    ReportFormat.Value(r.Median, r.Unit),
                    ReportFormat.Interval(r.Ci95Low, r.Ci95High, r.Unit),
                    PercentOfUnderlay(r, values),
                    r.Failed.ToString(CultureInfo.InvariantCulture),
                    r.Unsupported.ToString(CultureInfo.InvariantCulture),
                ])])
            {
                NumericColumns = new HashSet<int> { 4, 5, 6, 7, 8, 9 },
            };
            return new ReportSection(UniqueId("test-" + ReportFormat.Slug(test), usedIds), $"Test {test}", [table]);
        }).ToList();
        var blocks = new List<ReportBlock>
        {
            new Paragraph(tests.Count == 0
                ? "No measurements."
                : "Statistics over the ok repetitions of each group (Perfolizer): n, median, and the 95% confidence interval of the mean (Student t); the CI needs n ≥ 2."),
        };
        return new ReportSection(TestsId, "Results per test", blocks) { Subsections = subsections };
    }

    /// <summary>The summary's % of underlay with the Hodges–Lehmann interval of the ratio, as the matrix gives it.</summary>
    private static string PercentOfUnderlay(SummaryRow row, RepetitionValues values)
    {
        if (row.PctOfUnderlay is not { } percent)
        {
            return "–";
        }

        var underlay = values.Of(Underlay.Name, new MatrixGroup(row.Test, row.Variant, Topologies.CrossNode, row.Metric, MetricDirection.None));
        var comparison = RepetitionComparer.Compare(underlay, values.Of(row), MetricDirection.None, ComparisonOptions.Default);
        return SummaryMatrixBuilder.RatioWithInterval(percent / 100, comparison.RatioLow, comparison.RatioHigh, r => ReportFormat.Percent(100 * r));
    }

    private static ReportSection Failures(ReportInput input)
    {
        var groups = input.Measurements
            .Where(m => m.Status != MeasurementStatus.Ok)
            .GroupBy(m => (m.Status, m.Cni, m.Test, m.Variant, m.Topology, Reason: m.Reason ?? ""))
            .ToList();
        if (groups.Count == 0)
        {
            return new ReportSection(FailuresId, "Failed and unsupported measurements", [new Paragraph("None: every measurement produced its figures.")]);
        }

        var table = new Table(
            ["status", "CNI", "test", "variant", "topology", "rows", "metrics", "reason"],
            [.. groups.Select(g => (IReadOnlyList<Cell>)
            [
                g.Key.Status == MeasurementStatus.Failed ? "failed" : "unsupported",
                g.Key.Cni, g.Key.Test, g.Key.Variant, g.Key.Topology,
                g.Count().ToString(CultureInfo.InvariantCulture),
                string.Join(", ", g.Select(m => m.Metric).Distinct(StringComparer.Ordinal)),
                g.Key.Reason.Length == 0 ? "(no reason recorded)" : g.Key.Reason,
            ])])
        {
            NumericColumns = new HashSet<int> { 5 },
        };
        return new ReportSection(FailuresId, "Failed and unsupported measurements",
            [new Paragraph("Failed: the tool ran and gave no figure. Unsupported: this host or provider cannot measure it. Rows with the same reason are grouped."), table]);
    }

    private static ReportSection Netpol(ReportInput input, bool onLab)
    {
        var cases = input.Summary.Where(r => input.Metrics.CasesOf(r.Test)?.PassMetric == r.Metric).ToList();
        if (cases.Count == 0)
        {
            return new ReportSection(NetpolId, "Network-policy conformance", [new Paragraph("This run has no network-policy cases.")]);
        }

        var cnis = cases.Select(r => r.Cni).Distinct(StringComparer.Ordinal).ToList();
        var names = cases.Select(r => r.Variant).Distinct(StringComparer.Ordinal).ToList();
        var wrong = input.Summary.Where(r => r.Metric == Metrics.CellsWrong && input.Metrics.CasesOf(r.Test) is not null)
            .ToDictionary(r => (r.Cni, r.Variant), r => r.Max);
        var rows = names.Select(name => (IReadOnlyList<Cell>)
        [
            name,
            Directions(ReportInputLoader.DirectionsOf(name, input.CaseDirections)),
            .. cnis.Select(cni => CaseCell(cases.FirstOrDefault(r => r.Cni == cni && r.Variant == name), wrong.GetValueOrDefault((cni, name)))),
        ]).ToList();
        rows.Add(
        [
            "passed",
            "",
            .. cnis.Select(cni =>
            {
                var graded = cases.Count(r => r.Cni == cni && r.N > 0);
                var passed = cases.Count(r => r.Cni == cni && r.N > 0 && r.Min >= 1);
                return new Cell($"{passed}/{graded}", graded == 0 ? Rating.NotApplicable : passed == graded ? Rating.Best : Rating.Poor, TextIsLabel: true);
            }),
        ]);
        var blocks = new List<ReportBlock>
        {
            new Paragraph("Each case applies its NetworkPolicies, probes every pod pair on every port and protocol in blind rounds, and compares what got through with what the Kubernetes API says. A case passes when every graded cell matches in every round."
                + " Before the graded rounds it waits until a round shows the policies in effect (programming_latency_ms), and after deleting them until the open state is back; a case that never gets there fails. A case whose distinctive cells could not be probed (no SCTP in the kernel) is \"not tested\", never \"pass\"."
                + (onLab ? " " + LabConformanceLabel + ": the lab enforces each CNI's documented capability (manifests/cni/<name>.yaml, policy: with its gaps and their sources) with nftables, not the CNI's agent." : "")),
            new Table(["case", "direction", .. cnis], rows, "netpol-grid"),
        };
        if (input.FailedCaseTables.Count > 0)
        {
            blocks.Add(new Paragraph("Diffs of the failed cases (from netpol/<cni>/<case>-r<n>.txt; . match, X mismatch, - not graded):"));
            blocks.AddRange(input.FailedCaseTables.Select(t =>
                new Details($"{t.Cni}: {t.Case} (repetition {t.Repetition}), {t.RelativePath}", [new Preformatted(DiffOnly(t.Text))])));
        }

        return new ReportSection(NetpolId, "Network-policy conformance", blocks);
    }

    /// <summary>What lab conformance is, wherever it is shown: a model of the documentation, not a test of the CNI.</summary>
    public const string LabConformanceLabel = "Lab conformance is modelled from the CNI's documentation; run on a cluster to test the CNI itself";

    private static Cell CaseCell(SummaryRow? row, double? wrongCells) => row switch
    {
        { N: 0, Unsupported: > 0 } => new Cell("not tested", Rating.NotApplicable, TextIsLabel: true),
        null or { N: 0 } => new Cell("–", Rating.NotApplicable, TextIsLabel: true),
        { Min: >= 1 } => new Cell("pass", Rating.Best, TextIsLabel: true),
        _ => new Cell(wrongCells is > 0 ? $"FAIL ({ReportFormat.Number(wrongCells.Value)} wrong)" : "FAIL", Rating.Poor, TextIsLabel: true),
    };

    private static string Directions(PolicyDirections directions) => directions switch
    {
        PolicyDirections.Ingress | PolicyDirections.Egress => "both",
        PolicyDirections.Ingress => "ingress",
        PolicyDirections.Egress => "egress",
        _ => "–",
    };

    /// <summary>The case's header lines and its diff tables; expected and observed tables stay in the file.</summary>
    internal static string DiffOnly(string text)
    {
        var blocks = text.ReplaceLineEndings("\n").Split("\n\n");
        var kept = new List<string> { blocks[0] };
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            var start = Array.FindIndex(lines, l => l.Contains(" diff (", StringComparison.Ordinal));
            kept.Add(start < 0 ? block : string.Join('\n', lines[start..]));
        }

        return string.Join("\n\n", kept).TrimEnd().Replace('\t', ' ');
    }

    private static ReportSection Ingress(List<SummaryRow> rows)
    {
        var table = new Table(
            ["CNI", "test", "variant", "topology", "metric", "n", "median", "95% CI of the mean"],
            [.. rows.Select(r => (IReadOnlyList<Cell>)
            [
                r.Cni, r.Test, r.Variant, r.Topology, r.Metric,
                r.N.ToString(CultureInfo.InvariantCulture),
                ReportFormat.Value(r.Median, r.Unit),
                ReportFormat.Interval(r.Ci95Low, r.Ci95High, r.Unit),
            ])])
        {
            NumericColumns = new HashSet<int> { 5, 6, 7 },
        };
        return new ReportSection(IngressId, "HTTP and ingress", [new Paragraph("Request rate and latency of the HTTP and ingress measurements."), table]);
    }

    private static ReportSection Environment(ReportInput input)
    {
        if (input.Run is not { } run)
        {
            return new ReportSection(EnvironmentId, "Environment", [new Paragraph("This folder has no run.json, so the host, tool versions and clusters are unknown.")]);
        }

        var host = run.Host;
        var facts = new Table(["", ""],
        [
            ["run id", run.RunId],
            ["scenario", $"{run.ScenarioName} ({run.ScenarioPath})"],
            ["scenario sha256", run.ScenarioSha256],
            ["provider", run.Provider],
            ["command line", string.Join(' ', run.CommandLine)],
            ["CniBench version", run.CniBenchVersion],
            ["started", Date(run.StartedAt)],
            ["ended", run.EndedAt is { } ended ? Date(ended) : "not recorded (the run crashed or still runs)"],
            ["host", host.Hostname],
            ["operating system", host.Os],
            ["kernel", host.KernelRelease],
            ["CPU", host.CpuModel],
            ["logical cores", host.LogicalCores.ToString(CultureInfo.InvariantCulture)],
            ["memory", host.MemoryBytes > 0 ? (host.MemoryBytes / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture) + " GiB" : "–"],
        ], "host");
        var tools = new Table(["tool", "version"],
            [.. run.ToolVersions.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (IReadOnlyList<Cell>)[t.Key, t.Value])], "tools");
        var clusters = new Table(["CNI", "version", "cluster"],
            [.. run.Clusters.Select(c => (IReadOnlyList<Cell>)
            [
                c.Key,
                c.Value.Facts.FirstOrDefault(f => f.Key.EndsWith("version", StringComparison.Ordinal) && f.Key.StartsWith("cni", StringComparison.Ordinal)).Value ?? "–",
                c.Value.Description,
            ])], "clusters");
        var blocks = new List<ReportBlock> { facts, new Paragraph("Tool versions:"), tools, new Paragraph("Clusters (one per CNI):"), clusters };
        blocks.AddRange(run.Clusters.Where(c => c.Value.Facts.Count > 0).Select(c => new Details(
            $"facts of {c.Key}",
            [new Table(["fact", "value"], [.. c.Value.Facts.Select(f => (IReadOnlyList<Cell>)[f.Key, f.Value])])])));
        return new ReportSection(EnvironmentId, "Environment", blocks);
    }

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string UniqueId(string id, HashSet<string> used)
    {
        var candidate = id;
        for (var i = 2; !used.Add(candidate); i++)
        {
            candidate = $"{id}-{i.ToString(CultureInfo.InvariantCulture)}";
        }

        return candidate;
    }
}
