namespace CniBench.Lab.Capture;

/// <summary>How much a <see cref="WireSampler"/> may keep and for how long. The defaults stay under 4 MB.</summary>
public sealed record WireSamplerOptions
{
    public static WireSamplerOptions Default { get; } = new();

    /// <summary>Frames kept at most; the capture closes once it has them, so the measured datapath stops paying for it.</summary>
    public int MaxFrames { get; init; } = 2_000;

    /// <summary>Leading bytes kept of each frame: enough for outer and inner headers plus the start of the payload.</summary>
    public int SnapBytes { get; init; } = 2_048;

    /// <summary>Bytes kept at most over all frames.</summary>
    public int MaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>A window nobody closes still ends after this long.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one receive waits before the loop looks at its stop flag again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws when a bound is out of range, with every problem at once.</summary>
    public void Validate()
    {
        List<string> errors = [];
        if (MaxFrames < 1)
        {
            errors.Add($"MaxFrames must be at least 1, was {MaxFrames}");
        }

        if (SnapBytes < 64)
        {
            errors.Add($"SnapBytes must be at least 64, was {SnapBytes}");
        }

        if (MaxBytes < SnapBytes)
        {
            errors.Add($"MaxBytes ({MaxBytes}) must hold at least one frame of SnapBytes ({SnapBytes})");
        }

        if (MaxDuration <= TimeSpan.Zero)
        {
            errors.Add($"MaxDuration must be positive, was {MaxDuration}");
        }

        if (PollInterval < TimeSpan.FromMilliseconds(1) || PollInterval > TimeSpan.FromSeconds(5))
        {
            errors.Add($"PollInterval must be 1 ms..5 s, was {PollInterval}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }
    }
}
