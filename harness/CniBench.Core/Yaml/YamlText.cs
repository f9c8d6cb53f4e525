using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CniBench.Core.Yaml;

/// <summary>The documents of a YAML text, and where each one's content ends (the node tree keeps no end marks).</summary>
public sealed record YamlDocuments(IReadOnlyList<YamlNode> Roots, IReadOnlyList<int> Ends);

/// <summary>Parses YAML text, turning every way YamlDotNet reports broken input into one located error.</summary>
public static class YamlText
{
    /// <summary>The documents of <paramref name="text"/>, or null with a "not valid YAML" error added to <paramref name="errors"/>.</summary>
    public static YamlDocuments? Parse(string text, string file, List<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(errors);
        var parser = new RecordingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            errors.Add(InputError.At(file, e.Start, "not valid YAML: " + Innermost(e)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner reports some unterminated flow collections this way, without a position:
            // the end of the last event that parsed is the closest place there is.
            errors.Add(InputError.At(file, parser.LastEnd,
                "not valid YAML: the text after this point cannot be read; check for an unclosed [ or { or a stray quote"));
            return null;
        }

        return new YamlDocuments([.. stream.Documents.Select(d => d.RootNode)], parser.DocumentEnds);
    }

    /// <summary>The innermost message, without the span YamlDotNet prefixes (the error carries it as line and column).</summary>
    public static string Innermost(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message = inner.Message;
        }

        var span = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && span > 0 ? message[(span + 3)..] : message;
    }

    /// <summary>Passes events through, noting where each document ends and how far parsing got.</summary>
    private sealed class RecordingParser(IParser inner) : IParser
    {
        public List<int> DocumentEnds { get; } = [];

        public Mark LastEnd { get; private set; } = Mark.Empty;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            LastEnd = inner.Current!.End;
            if (inner.Current is DocumentEnd end)
            {
                DocumentEnds.Add((int)end.Start.Index);
            }

            return true;
        }
    }
}
