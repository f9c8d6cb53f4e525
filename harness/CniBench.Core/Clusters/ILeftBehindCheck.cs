namespace CniBench.Core.Clusters;

/// <summary>
/// A provider that can tell what a run left on this host once its clusters are torn down (the lab: namespaces,
/// processes, sockets, keys, state files). Asked once at the end of a run, after everything was disposed: a teardown
/// that failed on the way must not read as a clean host.
/// </summary>
public interface ILeftBehindCheck
{
    Task<LeftBehind> LeftBehindAsync(CancellationToken cancellationToken);
}

/// <summary>What a run left on the host, and the command that removes all of it; empty when the host is clean.</summary>
public sealed record LeftBehind(IReadOnlyList<LeftBehindItem> Items, string CleanUpCommand)
{
    public static LeftBehind Nothing { get; } = new([], "");

    public bool IsEmpty => Items.Count == 0;
}

/// <summary>What one owner (e.g. <c>lab cnb-3fa2-flannel</c>) left, in words for a person.</summary>
public sealed record LeftBehindItem(string Owner, string Description);
