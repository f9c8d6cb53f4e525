namespace CniBench.Workloads.Ingress;

/// <summary>The kinds of change the churn phase makes, in the order it makes them.</summary>
public enum ChurnAction
{
    /// <summary>The Service's endpoints grow from 2 to 4 pods; the controller reloads.</summary>
    ScaleUp,

    /// <summary>One endpoint leaves the Service; the controller reloads.</summary>
    RemoveOne,

    /// <summary>The removed pod's server stops, as its pod would terminate once out of the endpoints.</summary>
    StopRemoved,

    /// <summary>The Ingress rule's path moves to another Service; the controller reloads.</summary>
    ChangeRoute,
}

/// <summary>One change at a known offset into the churn phase.</summary>
public sealed record ChurnStep(TimeSpan At, ChurnAction Action);

/// <summary>When the churn phase makes each change: at fixed shares of its length, so every change has load before and after it.</summary>
public static class ChurnSchedule
{
    private static readonly (double Share, ChurnAction Action)[] Shares =
    [
        (0.25, ChurnAction.ScaleUp),
        (0.5, ChurnAction.RemoveOne),
        (0.625, ChurnAction.StopRemoved),
        (0.75, ChurnAction.ChangeRoute),
    ];

    /// <summary>The steps of a churn phase of <paramref name="duration"/> (8 s: 2, 4, 5 and 6 s).</summary>
    public static IReadOnlyList<ChurnStep> Create(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(4))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "a churn phase needs at least 4 s");
        }

        return [.. Shares.Select(s => new ChurnStep(TimeSpan.FromMilliseconds(Math.Round(duration.TotalMilliseconds * s.Share)), s.Action))];
    }

    /// <summary>A short label for charts: what changed and, where it matters, which pod.</summary>
    public static string Label(ChurnAction action, string? pod = null) => action switch
    {
        ChurnAction.ScaleUp => "scale 2→4",
        ChurnAction.RemoveOne => pod is null ? "remove 1" : $"remove {pod}",
        ChurnAction.StopRemoved => pod is null ? "stop pod" : $"stop {pod}",
        _ => "route → web-v2",
    };
}
