using System.Net;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Output;
using CniBench.NetworkPolicy.Policies;

namespace CniBench.NetworkPolicy.Tests.Suite;

/// <summary>
/// The conformance suite in manifests/netpol: every case loads, says what it covers, and the oracle's
/// tables on the lab-addressed default model equal the tables derived by hand from the NetworkPolicy spec
/// (tests/testassets/netpol/suite/&lt;case&gt;.&lt;port&gt;-&lt;proto&gt;.txt, written before the oracle was run).
/// </summary>
public sealed class SuiteCaseTests
{
    /// <summary>Point 1 of issue 3, as the keywords the "# covers:" lines use.</summary>
    private static readonly string[] RequiredFeatures =
    [
        "podSelector", "namespaceSelector", "peer-and", "peer-or", "matchLabels",
        "matchExpressions-In", "matchExpressions-NotIn", "matchExpressions-Exists", "matchExpressions-DoesNotExist",
        "ipBlock", "ipBlock-except", "port-number", "named-port", "endPort", "TCP", "UDP", "SCTP",
        "policyTypes-explicit", "policyTypes-inferred", "default-deny-ingress", "default-deny-egress", "deny-all-both",
        "allow-all", "union", "ingress-and-egress", "multi-namespace", "empty-podSelector", "namespace-without-policy",
        "ingress", "egress",
    ];

    public static TheoryData<string> CaseIds => new(SuiteCatalog.Cases().Select(c => c.Id));

    public static TheoryData<string, string> FixtureKeys => new(SuiteCatalog.Fixtures());

    [Fact]
    public void Cases_Suite_HasAtLeast25ConsecutivelyNumberedCases()
    {
        var numbers = SuiteCatalog.Cases().Select(c => int.Parse(c.Id[..2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        Assert.True(numbers.Length >= 25, $"the suite has {numbers.Length} cases");
        Assert.Equal(Enumerable.Range(1, numbers.Length), numbers);
    }

    [Fact]
    public void Cases_ManifestsFolder_HoldsOnlyNumberedCases()
    {
        var strays = Directory.EnumerateFiles(SuiteCatalog.CasesFolder, "*.y*ml")
            .Select(Path.GetFileNameWithoutExtension)
            .Except(SuiteCatalog.Cases().Select(c => c.Id), StringComparer.Ordinal)
            .ToArray();

        Assert.Empty(strays);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void LoadPath_Case_LoadsAtLeastOnePolicyWithoutErrors(string caseId)
    {
        var loaded = PolicyLoader.LoadPath(Case(caseId).Path);

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.NotEmpty(loaded.Policies);
    }

    [Fact]
    public void LoadPath_WholeSuiteFolder_HasNoErrorsAndNoDuplicatePolicyNames()
    {
        // The folder loads as one set only when no two cases reuse a namespace/name.
        var loaded = PolicyLoader.LoadPath(SuiteCatalog.CasesFolder);

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Contains("x/deny-all-ingress", loaded.Policies.Select(p => p.Id));
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Header_Case_StartsWithCaseCoversAndExpectLines(string caseId)
    {
        var suiteCase = Case(caseId);

        var header = SuiteCatalog.Header(suiteCase);

        Assert.True(header.Count >= 3, $"{caseId} has {header.Count} leading comment lines");
        Assert.Equal(["case", "covers", "expect"], header.Take(3).Select(h => h.Key));
        Assert.Equal(suiteCase.Name, header[0].Value);
        Assert.NotEmpty(SuiteCatalog.Covers(suiteCase));
        Assert.False(string.IsNullOrWhiteSpace(header[2].Value), $"{caseId}: empty expect line");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Covers_Case_UsesOnlyKnownFeatureKeywords(string caseId)
    {
        var unknown = SuiteCatalog.Covers(Case(caseId)).Except(RequiredFeatures, StringComparer.Ordinal).ToArray();

        Assert.True(unknown.Length == 0, $"{caseId}: unknown feature keywords {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Covers_WholeSuite_CoversEveryFeatureOfTheIssue()
    {
        var covered = SuiteCatalog.Cases().SelectMany(SuiteCatalog.Covers).ToHashSet(StringComparer.Ordinal);

        var missing = RequiredFeatures.Where(f => !covered.Contains(f)).ToArray();

        Assert.True(missing.Length == 0, "no case covers " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Fixtures_Case_HasAHandDerived80TcpTable(string caseId)
    {
        Assert.True(File.Exists(SuiteCatalog.FixturePath(caseId, "80-tcp")), $"{caseId} has no 80-tcp fixture");
    }

    [Fact]
    public void Fixtures_EveryFixture_BelongsToACaseAndAModelProbe()
    {
        var ids = SuiteCatalog.Cases().Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        string[] probes = ["80-tcp", "80-udp", "80-sctp", "81-tcp", "81-udp"];

        var orphans = SuiteCatalog.Fixtures().Where(f => !ids.Contains(f.CaseId) || !probes.Contains(f.Probe)).ToArray();

        Assert.Empty(orphans);
    }

    [Theory]
    [MemberData(nameof(FixtureKeys))]
    public void Compute_CaseOnLabAddressedDefaultModel_EqualsHandDerivedTable(string caseId, string probe)
    {
        // The inputs `netpol expect` uses: the default model on the lab's address plan, placeholders resolved on it.
        var loaded = NetpolInputs.Load(Case(caseId).Path, modelPath: null);
        Assert.True(loaded.Inputs is not null, string.Join("\n", loaded.Errors));
        var oracle = loaded.Inputs.CreateOracle();
        using var printed = new StringWriter { NewLine = "\n" };
        TruthTableWriter.WriteTable(oracle.ComputeAll(), printed);

        var actual = TableBlock(printed.ToString(), probe);
        var expected = File.ReadAllText(SuiteCatalog.FixturePath(caseId, probe)).TrimEnd('\n');

        Assert.True(expected == actual, $"{caseId} {probe}: the oracle disagrees with the hand-derived table\n{CellDiff(expected, actual)}");
    }

    [Fact]
    public void Create_DefaultModel_HasTheLabAddressesOfThreeNodesRoundRobin()
    {
        var model = DefaultModel.Create();

        // x/a→n1-p1, x/b→n2-p1, x/c→n3-p1, y/a→n1-p2, …; LabAddressing.PodAddress(n, p) = 198.19.n.(p+1).
        Assert.Equal(
            [
                "x/a 198.19.1.2", "x/b 198.19.2.2", "x/c 198.19.3.2",
                "y/a 198.19.1.3", "y/b 198.19.2.3", "y/c 198.19.3.3",
                "z/a 198.19.1.4", "z/b 198.19.2.4", "z/c 198.19.3.4",
            ],
            model.Pods.Select(p => $"{p.Id} {p.Ip}"));
    }

    [Fact]
    public void Place_TwoNodes_FillsNodesInTurnAndNamesTheirRanges()
    {
        var (model, plan) = ReferencePlacement.Place(DefaultModel.Create(), nodes: 2);

        Assert.Equal(IPAddress.Parse("198.19.1.2"), model.Pods[0].Ip);
        Assert.Equal(IPAddress.Parse("198.19.2.2"), model.Pods[1].Ip);
        Assert.Equal(IPAddress.Parse("198.19.1.3"), model.Pods[2].Ip);
        Assert.Equal(IPAddress.Parse("198.19.1.6"), model.Pods[8].Ip);
        Assert.Equal("n2", plan.PodNodes["x/b"]);
        Assert.Equal([IPNetwork.Parse("198.19.2.0/24")], plan.NodeRanges["n2"]);
    }

    private static SuiteCase Case(string caseId) => SuiteCatalog.Cases().Single(c => c.Id == caseId);

    /// <summary>The block the oracle prints for one probe: its "expected 80/TCP …" line and the grid.</summary>
    private static string TableBlock(string printed, string probe)
    {
        var parts = probe.Split('-');
        var title = $"expected {parts[0]}/{parts[1].ToUpperInvariant()} ";
        var block = printed.Split("\n\n").SingleOrDefault(b => b.StartsWith(title, StringComparison.Ordinal));
        Assert.NotNull(block);
        return block.TrimEnd('\n');
    }

    /// <summary>Names each differing cell, so a failure reads as "x/a -> y/b: expected ., oracle X".</summary>
    private static string CellDiff(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        if (expectedLines.Length != actualLines.Length || expectedLines.Length < 2 || expectedLines[1] != actualLines[1])
        {
            return $"expected:\n{expected}\noracle:\n{actual}";
        }

        var columns = expectedLines[1].Split('\t');
        var diffs = new List<string>();
        for (var row = 2; row < expectedLines.Length; row++)
        {
            var e = expectedLines[row].Split('\t');
            var a = actualLines[row].Split('\t');
            for (var column = 1; column < Math.Min(e.Length, a.Length); column++)
            {
                if (e[column] != a[column])
                {
                    diffs.Add($"{e[0]} -> {columns[column]}: expected {e[column]}, oracle {a[column]}");
                }
            }
        }

        return diffs.Count > 0 ? string.Join("\n", diffs) : $"expected:\n{expected}\noracle:\n{actual}";
    }
}
