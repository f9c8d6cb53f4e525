using CniBench.Core.Measurements;
using CniBench.Results.Compare;
using CniBench.Runs;

namespace CniBench.Results.Tests.Compare;

public sealed class RepetitionComparerTests
{
    private static readonly ComparisonOptions Options = ComparisonOptions.Default;

    [Fact]
    public void MinimumRepetitions_Alpha5Percent_IsFour()
    {
        Assert.Equal(4, RepetitionComparer.MinimumRepetitions(0.05));
        Assert.Equal(5, RepetitionComparer.MinimumRepetitions(0.01));
    }

    [Fact]
    public void Compare_SameDistribution_Same()
    {
        var result = RepetitionComparer.Compare(RunFixtures.Values(9e9, 5), RunFixtures.Values(9e9, 5), MetricDirection.HigherIsBetter, Options);

        Assert.Equal(Verdict.Same, result.Verdict);
        Assert.Equal(1.0, result.Ratio!.Value, 6);
    }

    [Fact]
    public void Compare_TenPercentLessThroughputFiveRepetitions_Slower()
    {
        var result = RepetitionComparer.Compare(RunFixtures.Values(9e9, 5), RunFixtures.Values(8.1e9, 5), MetricDirection.HigherIsBetter, Options);

        Assert.Equal(Verdict.Slower, result.Verdict);
        Assert.Equal(0.9, result.Ratio!.Value, 3);
        Assert.InRange(0.9, result.RatioLow!.Value, result.RatioHigh!.Value);
        Assert.True(result.RatioHigh < 1, "the whole interval lies below 1");
    }

    [Fact]
    public void Compare_TenPercentMoreThroughput_Faster()
    {
        var result = RepetitionComparer.Compare(RunFixtures.Values(9e9, 5), RunFixtures.Values(9.9e9, 5), MetricDirection.HigherIsBetter, Options);

        Assert.Equal(Verdict.Faster, result.Verdict);
    }

    [Fact]
    public void Compare_ThreeRepetitionsPerSide_InsufficientDataNotRegression()
    {
        var result = RepetitionComparer.Compare(RunFixtures.Values(9e9, 3), RunFixtures.Values(4.5e9, 3), MetricDirection.HigherIsBetter, Options);

        Assert.Equal(Verdict.InsufficientData, result.Verdict);
        Assert.Equal(0.5, result.Ratio!.Value, 3);
        Assert.Null(result.RatioLow);
    }

    [Fact]
    public void Compare_ThreeOnOneSideTenOnTheOther_InsufficientData()
    {
        var result = RepetitionComparer.Compare(RunFixtures.Values(9e9, 10), RunFixtures.Values(4.5e9, 3), MetricDirection.HigherIsBetter, Options);

        Assert.Equal(Verdict.InsufficientData, result.Verdict);
    }

    [Fact]
    public void Compare_SignificantButBelowThreshold_Same()
    {
        // 3 % lower with a ±1 % spread is detectable but smaller than the 5 % minimum effect.
        var result = RepetitionComparer.Compare(RunFixtures.Values(100, 10), RunFixtures.Values(97, 10), MetricDirection.HigherIsBetter, Options);

        Assert.Equal(Verdict.Same, result.Verdict);
    }

    [Fact]
    public void Compare_ThresholdTwoPercent_ThreePercentDropIsSlower()
    {
        var strict = Options with { Threshold = 0.02 };

        var result = RepetitionComparer.Compare(RunFixtures.Values(100, 10), RunFixtures.Values(97, 10), MetricDirection.HigherIsBetter, strict);

        Assert.Equal(Verdict.Slower, result.Verdict);
    }

    [Theory]
    [InlineData("latency_p99_ms", 1.1, Verdict.Slower)]
    [InlineData("host_cpu_percent", 1.1, Verdict.Slower)]
    [InlineData("lost_percent", 0.8, Verdict.Faster)]
    [InlineData("jitter_ms", 1.2, Verdict.Slower)]
    [InlineData("retransmits", 1.5, Verdict.Slower)]
    [InlineData("throughput_bps", 1.1, Verdict.Faster)]
    [InlineData("path_mtu_bytes", 0.9, Verdict.Changed)]
    [InlineData("wire_frames_sampled", 1.5, Verdict.Changed)]
    public void Compare_DirectionOfMetric_DecidesVerdict(string metric, double factor, Verdict expected)
    {
        var result = RepetitionComparer.Compare(RunFixtures.Values(100, 6), RunFixtures.Values(100 * factor, 6), TestKinds.Metrics.DirectionOf(metric), Options);

        Assert.Equal(expected, result.Verdict);
    }

    [Fact]
    public void Compare_ZeroBaselineBecomesPositive_SlowerForLowerIsBetterWithoutRatio()
    {
        var result = RepetitionComparer.Compare([0, 0, 0, 0, 0], [5, 6, 5, 7, 5], MetricDirection.LowerIsBetter, Options);

        Assert.Equal(Verdict.Slower, result.Verdict);
        Assert.Null(result.Ratio);
    }

    [Theory]
    [InlineData("5%", 0.05)]
    [InlineData("2.5", 0.025)]
    [InlineData(" 10 % ", 0.10)]
    public void TryParseThreshold_Percentages_Parsed(string text, double expected)
    {
        Assert.True(ComparisonOptions.TryParseThreshold(text, out var fraction));
        Assert.Equal(expected, fraction, 9);
    }

    [Theory]
    [InlineData("five")]
    [InlineData("-1%")]
    [InlineData("100%")]
    public void TryParseThreshold_Nonsense_Rejected(string text) =>
        Assert.False(ComparisonOptions.TryParseThreshold(text, out _));
}
