using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace CniBench.Results.Compare;

/// <summary>
/// Writes <c>junit.xml</c>: one test case per metric comparison and per network-policy case. A regression is a
/// failure; insufficient data is skipped, so CI servers show it without failing the build on it.
/// </summary>
public static class CompareJunit
{
    public const string FileName = "junit.xml";

    public static XDocument Build(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metricCases = report.Metrics.Select(MetricCase).ToList();
        var policyCases = report.NetpolCases.Select(PolicyCase).ToList();
        var suites = new XElement("testsuites",
            new XAttribute("name", $"cnibench compare {report.Candidate.RunId} vs {report.Baseline.RunId}"),
            new XAttribute("tests", metricCases.Count + policyCases.Count),
            new XAttribute("failures", report.Regressions),
            Suite("metrics", metricCases, report),
            Suite("netpol", policyCases, report));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }

    public static async Task<string> WriteAsync(string directory, CompareReport report, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Join(directory, FileName);
        var settings = new XmlWriterSettings { Async = true, Indent = true, Encoding = new UTF8Encoding(false) };
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        await using (stream.ConfigureAwait(false))
        {
            var writer = XmlWriter.Create(stream, settings);
            await using (writer.ConfigureAwait(false))
            {
                await Build(report).SaveAsync(writer, cancellationToken);
            }
        }

        return path;
    }

    private static XElement Suite(string name, List<XElement> cases, CompareReport report)
    {
        var suite = new XElement("testsuite",
            new XAttribute("name", name),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            new XAttribute("skipped", cases.Count(c => c.Element("skipped") is not null)));
        if (report.Mismatches.Count > 0)
        {
            suite.Add(new XElement("properties", report.Mismatches.Select(m => new XElement("property",
                new XAttribute("name", "mismatch"), new XAttribute("value", m)))));
        }

        suite.Add(cases);
        return suite;
    }

    private static XElement MetricCase(MetricComparison m)
    {
        var r = m.Result;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{VerdictText.Of(r.Verdict)}: baseline {CompareFormat.Value(r.BaselineMedian, m.Unit)} (n={r.BaselineN}), candidate {CompareFormat.Value(r.CandidateMedian, m.Unit)} (n={r.CandidateN}), change {CompareFormat.Change(r)}, {CompareFormat.Direction(m.Direction)}");
        var element = new XElement("testcase",
            new XAttribute("classname", $"{m.Key.Cni}.{m.Key.Test}.{m.Key.Variant}.{m.Key.Topology}"),
            new XAttribute("name", m.Key.Metric),
            new XAttribute("time", "0"));
        if (m.IsRegression)
        {
            element.Add(new XElement("failure", new XAttribute("message", detail), new XAttribute("type", "regression"), detail));
        }
        else if (r.Verdict == Verdict.InsufficientData)
        {
            element.Add(new XElement("skipped", new XAttribute("message", detail)));
        }
        else
        {
            element.Add(new XElement("system-out", detail));
        }

        return element;
    }

    private static XElement PolicyCase(NetpolCaseComparison c)
    {
        var detail = $"baseline {CompareFormat.Outcome(c.Baseline)}, candidate {CompareFormat.Outcome(c.Candidate)}";
        var element = new XElement("testcase",
            new XAttribute("classname", $"{c.Cni}.{c.Source.Test}"),
            new XAttribute("name", c.Case),
            new XAttribute("time", "0"));
        if (c.IsRegression)
        {
            element.Add(new XElement("failure", new XAttribute("message", "case passed in the baseline and fails now: " + detail),
                new XAttribute("type", "regression"), detail));
        }
        else if (c.Candidate == CaseOutcome.NoResult || c.Baseline == CaseOutcome.NoResult)
        {
            element.Add(new XElement("skipped", new XAttribute("message", detail)));
        }
        else
        {
            element.Add(new XElement("system-out", detail));
        }

        return element;
    }
}
