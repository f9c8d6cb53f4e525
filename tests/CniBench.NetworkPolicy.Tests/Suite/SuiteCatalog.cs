using System.Text.RegularExpressions;

namespace CniBench.NetworkPolicy.Tests.Suite;

/// <summary>One case of the conformance suite: manifests/netpol/&lt;NN&gt;-&lt;name&gt;.yaml.</summary>
internal sealed record SuiteCase(string Id, string Path)
{
    /// <summary>The name after the number, which the file's "# case:" line must repeat.</summary>
    public string Name => Id[(Id.IndexOf('-', StringComparison.Ordinal) + 1)..];
}

/// <summary>The suite's case files and the hand-written truth tables beside them.</summary>
internal static partial class SuiteCatalog
{
    public static string CasesFolder { get; } = System.IO.Path.Combine(RepoPaths.Root, "manifests", "netpol");

    public static string FixturesFolder { get; } = RepoPaths.TestAsset("suite");

    public static IReadOnlyList<SuiteCase> Cases() =>
        Directory.EnumerateFiles(CasesFolder, "*.yaml")
            .Select(path => new SuiteCase(System.IO.Path.GetFileNameWithoutExtension(path), path))
            .Where(c => CaseIdPattern().IsMatch(c.Id))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every fixture as (case id, probe such as "80-tcp"), from its file name &lt;case&gt;.&lt;port&gt;-&lt;proto&gt;.txt.</summary>
    public static IReadOnlyList<(string CaseId, string Probe)> Fixtures() =>
        Directory.EnumerateFiles(FixturesFolder, "*.txt")
            .Select(System.IO.Path.GetFileNameWithoutExtension)
            .Select(stem => stem!.Split('.'))
            .Select(parts => (parts[0], parts[^1]))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ThenBy(f => f.Item2, StringComparer.Ordinal)
            .ToArray();

    public static string FixturePath(string caseId, string probe) => System.IO.Path.Combine(FixturesFolder, $"{caseId}.{probe}.txt");

    /// <summary>The leading comment lines' values by key ("case", "covers", "expect"), in file order.</summary>
    public static IReadOnlyList<(string Key, string Value)> Header(SuiteCase suiteCase)
    {
        ArgumentNullException.ThrowIfNull(suiteCase);
        return File.ReadLines(suiteCase.Path)
            .TakeWhile(line => line.StartsWith('#'))
            .Select(line => HeaderLinePattern().Match(line))
            .Select(m => m.Success ? (m.Groups[1].Value, m.Groups[2].Value.Trim()) : (string.Empty, string.Empty))
            .ToArray();
    }

    public static IReadOnlyList<string> Covers(SuiteCase suiteCase) =>
        Header(suiteCase)
            .Where(h => h.Key == "covers")
            .SelectMany(h => h.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToArray();

    [GeneratedRegex("^[0-9]{2}-[a-z0-9-]+$")]
    private static partial Regex CaseIdPattern();

    [GeneratedRegex("^# ([a-z]+): (.*)$")]
    private static partial Regex HeaderLinePattern();
}
