using System.Text;

namespace CniBench.Kubernetes.Provisioning;

/// <summary>A command line from a scenario that cannot be split into arguments.</summary>
public sealed class CommandLineException(string message) : Exception(message);

/// <summary>
/// Splits a scenario's command line into argv the way a POSIX shell splits words, and nothing more: no variables,
/// globs, pipes or redirections, because the line is never handed to a shell.
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// Whitespace separates arguments; '…' keeps everything literally; "…" keeps everything but lets \" and \\
    /// escape; outside quotes a backslash makes the next character literal. Quotes join adjacent text into one
    /// argument, and '' is an empty argument.
    /// </summary>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        var i = 0;
        while (i < commandLine.Length)
        {
            var c = commandLine[i];
            if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }

                i++;
                continue;
            }

            inArgument = true;
            i = c switch
            {
                '\'' => ReadSingleQuoted(commandLine, i, current),
                '"' => ReadDoubleQuoted(commandLine, i, current),
                '\\' => ReadEscaped(commandLine, i, current),
                _ => Append(current, c, i),
            };
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        return arguments;
    }

    private static int Append(StringBuilder current, char c, int index)
    {
        current.Append(c);
        return index + 1;
    }

    private static int ReadEscaped(string line, int start, StringBuilder current)
    {
        if (start + 1 >= line.Length)
        {
            throw new CommandLineException($"command line ends with a lone backslash: {line}");
        }

        current.Append(line[start + 1]);
        return start + 2;
    }

    private static int ReadSingleQuoted(string line, int start, StringBuilder current)
    {
        var end = line.IndexOf('\'', start + 1);
        if (end < 0)
        {
            throw new CommandLineException($"unterminated single quote at column {start + 1}: {line}");
        }

        current.Append(line, start + 1, end - start - 1);
        return end + 1;
    }

    private static int ReadDoubleQuoted(string line, int start, StringBuilder current)
    {
        for (var i = start + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
            {
                current.Append(line[++i]);
                continue;
            }

            current.Append(c);
        }

        throw new CommandLineException($"unterminated double quote at column {start + 1}: {line}");
    }
}
