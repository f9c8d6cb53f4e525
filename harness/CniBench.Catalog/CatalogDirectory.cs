using CniBench.Core.Yaml;

namespace CniBench.Catalog;

/// <summary>Reads a catalog folder: every entry file in name order, with all problems of all files collected.</summary>
internal static class CatalogDirectory
{
    /// <summary>
    /// The parsed entries of the files in <paramref name="directory"/> that <paramref name="isEntry"/> accepts; problems
    /// go to <paramref name="errors"/>, and a folder without any entry is one. A missing folder throws at once.
    /// </summary>
    public static List<T> ParseAll<T>(
        string directory, string catalogName, string entriesDescription, Func<string, bool> isEntry, Func<string, string, List<InputError>, T?> parse, List<InputError> errors)
        where T : class
    {
        if (!Directory.Exists(directory))
        {
            throw new CatalogException([new InputError(directory, 0, 0, $"{catalogName} directory does not exist")], catalogName);
        }

        var entries = new List<T>();
        foreach (var file in Directory.EnumerateFiles(directory).Where(isEntry).Order(StringComparer.Ordinal))
        {
            if (parse(File.ReadAllText(file), file, errors) is { } entry)
            {
                entries.Add(entry);
            }
        }

        if (entries.Count == 0 && errors.Count == 0)
        {
            errors.Add(new InputError(directory, 0, 0, $"no {entriesDescription} found"));
        }

        return entries;
    }
}
