using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace CniBench.Results.Report;

/// <summary>
/// Makes a chart SVG safe to paste into the HTML report: only drawing elements survive (no script, foreignObject,
/// event handlers or external references), ids get a per-chart prefix so two charts' clip paths never collide, and
/// the fixed size becomes a viewBox so the chart scales with the page.
/// </summary>
public static partial class SvgInliner
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    private static readonly HashSet<string> AllowedElements = new(StringComparer.Ordinal)
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
        "clipPath", "defs", "title", "desc", "linearGradient", "radialGradient", "stop", "pattern", "mask", "use",
    };

    /// <returns>The sanitised <c>&lt;svg&gt;</c> element as text, or null when the file is not a well-formed SVG.</returns>
    public static string? Inline(string svgText, string idPrefix, string accessibleTitle)
    {
        ArgumentNullException.ThrowIfNull(svgText);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(svgText), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }

        var root = document.Root;
        if (root is null || root.Name != Svg + "svg")
        {
            return null;
        }

        foreach (var element in root.DescendantsAndSelf().ToList())
        {
            if (element.Name.Namespace != Svg || !AllowedElements.Contains(element.Name.LocalName))
            {
                element.Remove();
                continue;
            }

            foreach (var attribute in element.Attributes().ToList())
            {
                if (!IsSafe(attribute))
                {
                    attribute.Remove();
                }
                else if (attribute.Name.LocalName == "id" && !attribute.IsNamespaceDeclaration)
                {
                    attribute.Value = idPrefix + attribute.Value;
                }
                else if (attribute.Value.Contains("url(#", StringComparison.Ordinal))
                {
                    attribute.Value = attribute.Value.Replace("url(#", "url(#" + idPrefix, StringComparison.Ordinal);
                }
                else if (attribute.Name.LocalName == "href" && attribute.Value.StartsWith('#'))
                {
                    attribute.Value = "#" + idPrefix + attribute.Value[1..];
                }
            }
        }

        if (root.Attribute("viewBox") is null && Number(root.Attribute("width")) is { } width && Number(root.Attribute("height")) is { } height)
        {
            root.SetAttributeValue("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
        }

        root.SetAttributeValue("width", null);
        root.SetAttributeValue("height", null);
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("aria-label", accessibleTitle);
        return root.ToString(SaveOptions.DisableFormatting);
    }

    private static bool IsSafe(XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            return attribute.Value == Svg.NamespaceName || attribute.Value == XLink.NamespaceName;
        }

        var name = attribute.Name.LocalName;
        if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase) && UnsafeStyle().IsMatch(attribute.Value))
        {
            return false;
        }

        if (name == "href")
        {
            return attribute.Value.StartsWith('#');
        }

        // Presentation attributes may reference only ids inside this chart.
        return !UnsafeValue().IsMatch(attribute.Value);
    }

    private static double? Number(XAttribute? attribute) =>
        attribute is not null && double.TryParse(attribute.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    [GeneratedRegex(@"url\(\s*['""]?(?!#)|expression\(|javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex UnsafeValue();

    [GeneratedRegex(@"url\(|expression\(|javascript:|@import", RegexOptions.IgnoreCase)]
    private static partial Regex UnsafeStyle();
}
