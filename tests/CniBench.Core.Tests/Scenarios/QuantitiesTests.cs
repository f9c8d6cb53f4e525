using CniBench.Core.Scenarios;

namespace CniBench.Core.Tests.Scenarios;

public sealed class QuantitiesTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("7", 7_000)]
    public void TryParseDuration_KnownUnits_Parse(string text, int milliseconds)
    {
        Assert.True(Quantities.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("2.5G", 2_500_000_000L)]
    [InlineData("100m", 100_000_000L)]
    [InlineData("64000", 64_000L)]
    public void TryParseBitrate_DecimalSuffixes_Parse(string text, long bps)
    {
        Assert.True(Quantities.TryParseBitrate(text, out var value));
        Assert.Equal(bps, value);
    }

    [Theory]
    [InlineData(1_000_000_000L, "1G")]
    [InlineData(2_500_000_000L, "2500M")]
    [InlineData(1_500L, "1500")]
    public void FormatBitrate_ExactShortestLabel(long bps, string label) => Assert.Equal(label, Quantities.FormatBitrate(bps));
}
