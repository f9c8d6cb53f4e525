using System.Text.Json;
using System.Text.Json.Serialization;
using CniBench.Core.Measurements;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// One 1-second wrk run of the churn phase. Offsets are seconds since the churn phase began; error counts are wrk's.
/// A slice that completed no request has <see cref="Failure"/> set and zero counts (wrk reports none then).
/// </summary>
public sealed record ChurnSlice
{
    public int Index { get; init; }

    public double StartSeconds { get; init; }

    public double EndSeconds { get; init; }

    public long Requests { get; init; }

    public double RequestsPerSecond { get; init; }

    public long ConnectErrors { get; init; }

    public long ReadErrors { get; init; }

    public long WriteErrors { get; init; }

    public long TimeoutErrors { get; init; }

    public long Non2xx { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    public string? Failure { get; init; }

    /// <summary>Requests that got no response: connect, read, write and timeout errors.</summary>
    [JsonIgnore]
    public long FailedRequests => ConnectErrors + ReadErrors + WriteErrors + TimeoutErrors;
}

/// <summary>One change made during the churn phase: when it began, and when the controller confirmed it (null if never).</summary>
public sealed record ChurnChange(string Label, double AtSeconds, double? AppliedSeconds, string? Error = null);

/// <summary>What the churn phase of one measurement recorded: every slice and every change, for the timeline chart.</summary>
public sealed record ChurnTimeline
{
    public required string Cni { get; init; }

    public required string Controller { get; init; }

    public int Repetition { get; init; }

    /// <summary>p99 of the steady phase before churn: the baseline a spike is measured from.</summary>
    public double SteadyP99Ms { get; init; }

    public IReadOnlyList<ChurnSlice> Slices { get; init; } = [];

    public IReadOnlyList<ChurnChange> Changes { get; init; } = [];

    /// <summary>A slice counts as around a change when it overlaps the time from the change until this long after it was applied.</summary>
    public static TimeSpan SpikeWindow { get; } = TimeSpan.FromSeconds(1);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ChurnTimeline? FromJson(string text) => JsonSerializer.Deserialize<ChurnTimeline>(text, Json);

    /// <summary>The slices that overlap any change's window: from its start until <see cref="SpikeWindow"/> after it was applied.</summary>
    public IReadOnlyList<ChurnSlice> SlicesAroundChanges() =>
    [
        .. Slices.Where(s => Changes.Any(c =>
            s.StartSeconds < (c.AppliedSeconds ?? c.AtSeconds) + SpikeWindow.TotalSeconds && s.EndSeconds > c.AtSeconds)),
    ];

    /// <summary>churn_* figures: failures and non-2xx over the whole phase, the worst p99 near a change above the steady p99.</summary>
    public IReadOnlyList<Observation> ToObservations()
    {
        var requests = Slices.Sum(s => s.Requests);
        var seconds = Slices.Sum(s => s.Requests > 0 && s.RequestsPerSecond > 0 ? s.Requests / s.RequestsPerSecond : 0);
        List<Observation> observations =
        [
            new(IngressMetrics.ChurnFailedRequests, Slices.Sum(s => s.FailedRequests), Metrics.Count),
            new(IngressMetrics.ChurnNon2xx, Slices.Sum(s => s.Non2xx), Metrics.Count),
            new(IngressMetrics.ChurnFailedSlices, Slices.Count(s => s.Failure is not null), Metrics.Count),
        ];
        if (seconds > 0)
        {
            observations.Add(new(IngressMetrics.ChurnRequestsPerSecond, requests / seconds, Metrics.RequestsPerSecondUnit));
        }

        var around = SlicesAroundChanges().Where(s => s.Failure is null).ToList();
        if (around.Count > 0)
        {
            observations.Add(new(IngressMetrics.ChurnP99SpikeMs, around.Max(s => s.P99Ms) - SteadyP99Ms, Metrics.Milliseconds));
        }

        return observations;
    }
}

