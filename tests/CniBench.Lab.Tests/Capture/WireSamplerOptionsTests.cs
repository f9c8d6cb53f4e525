using CniBench.Lab.Capture;

namespace CniBench.Lab.Tests.Capture;

public sealed class WireSamplerOptionsTests
{
    [Fact]
    public void Validate_Defaults_StayUnderEightMegabytes()
    {
        var options = WireSamplerOptions.Default;

        options.Validate();

        Assert.True((long)options.MaxFrames * options.SnapBytes <= 8 * 1024 * 1024);
    }

    [Fact]
    public void Validate_SeveralBadBounds_ReportsEveryOne()
    {
        var options = new WireSamplerOptions { MaxFrames = 0, SnapBytes = 10, MaxDuration = TimeSpan.Zero, PollInterval = TimeSpan.FromSeconds(30) };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("MaxFrames", error.Message, StringComparison.Ordinal);
        Assert.Contains("SnapBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("PollInterval", error.Message, StringComparison.Ordinal);
    }
}
