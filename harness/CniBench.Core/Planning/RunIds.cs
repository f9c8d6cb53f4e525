using System.Globalization;
using System.Security.Cryptography;

namespace CniBench.Core.Planning;

/// <summary>Run identifiers: sortable UTC timestamp plus a short random tag that also names lab objects.</summary>
public static class RunIds
{
    public static string Create(TimeProvider time)
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        return time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + tag;
    }

    /// <summary>The short tag at the end of a run id, e.g. <c>3fa2</c>.</summary>
    public static string Tag(string runId) => runId[(runId.LastIndexOf('-') + 1)..];
}
