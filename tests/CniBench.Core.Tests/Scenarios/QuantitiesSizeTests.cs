using CniBench.Core.Scenarios;

namespace CniBench.Core.Tests.Scenarios;

public sealed class QuantitiesSizeTests
{
    [Theory]
    [InlineData("1KiB", 1024L)]
    [InlineData("100KiB", 102_400L)]
    [InlineData("2MiB", 2_097_152L)]
    [InlineData("512B", 512L)]
    [InlineData("700", 700L)]
    public void TryParseSize_BinaryUnits_Parse(string text, long bytes)
    {
        Assert.True(Quantities.TryParseSize(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("1KB")]
    [InlineData("1.5KiB")]
    [InlineData("0")]
    [InlineData("-1KiB")]
    [InlineData("999999999999GiB")]
    public void TryParseSize_DecimalUnitsFractionsOrNonPositive_Fail(string text)
    {
        Assert.False(Quantities.TryParseSize(text, out _));
    }

    [Theory]
    [InlineData(1024L, "1KiB")]
    [InlineData(102_400L, "100KiB")]
    [InlineData(1_048_576L, "1MiB")]
    [InlineData(1000L, "1000B")]
    public void FormatSize_ExactMultiples_UseTheLargestUnit(long bytes, string label)
    {
        Assert.Equal(label, Quantities.FormatSize(bytes));
    }
}
