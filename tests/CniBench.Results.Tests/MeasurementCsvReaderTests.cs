namespace CniBench.Results.Tests;

public sealed class MeasurementCsvReaderTests
{
    private const string Header = "run_id,provider,cni,test,variant,topology,repetition,metric,value,unit,status,reason,timestamp,raw_file\n";
    private const string GoodRow = "r1,lab,flannel,tcp,streams-1,cross-node,1,throughput_bps,9400000000,bit/s,ok,,2026-11-26T12:00:01.0000000Z,raw/a.json\n";

    [Fact]
    public void Read_TruncatedRow_ErrorNamesLine()
    {
        var text = Header + GoodRow + GoodRow + "r1,lab,flannel,tcp,streams-1,cross-node,3,throughput_bps\n";

        var error = Assert.Throws<MeasurementCsvException>(() => MeasurementCsvReader.Read(new StringReader(text), "m.csv"));

        Assert.Equal(4, error.LineNumber);
        Assert.StartsWith("m.csv line 4: expected 14 fields, found 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnterminatedQuote_ErrorNamesLine()
    {
        var text = Header + GoodRow + "r1,lab,flannel,tcp,streams-1,cross-node,2,throughput_bps,,bit/s,failed,\"cut off";

        var error = Assert.Throws<MeasurementCsvException>(() => MeasurementCsvReader.Read(new StringReader(text), "m.csv"));

        Assert.Equal(3, error.LineNumber);
        Assert.Contains("m.csv line 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("r1,lab,flannel,tcp,streams-1,cross-node,one,throughput_bps,1,bit/s,ok,,2026-11-26T12:00:01Z,\n", "repetition")]
    [InlineData("r1,lab,flannel,tcp,streams-1,cross-node,1,throughput_bps,1;5,bit/s,ok,,2026-11-26T12:00:01Z,\n", "value")]
    [InlineData("r1,lab,flannel,tcp,streams-1,cross-node,1,throughput_bps,1,bit/s,OK!,,2026-11-26T12:00:01Z,\n", "status")]
    [InlineData("r1,lab,flannel,tcp,streams-1,cross-node,1,throughput_bps,1,bit/s,ok,,yesterday,\n", "timestamp")]
    public void Read_InvalidField_ErrorNamesLineAndColumn(string badRow, string column)
    {
        var error = Assert.Throws<MeasurementCsvException>(() => MeasurementCsvReader.Read(new StringReader(Header + GoodRow + badRow), "m.csv"));

        Assert.Equal(3, error.LineNumber);
        Assert.Contains($"'{column}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongHeader_ErrorNamesLineOne()
    {
        var error = Assert.Throws<MeasurementCsvException>(() => MeasurementCsvReader.Read(new StringReader("cni,value\n" + GoodRow), "m.csv"));

        Assert.Equal(1, error.LineNumber);
    }

    [Fact]
    public void Read_BlankLineBetweenRows_Skipped()
    {
        var rows = MeasurementCsvReader.Read(new StringReader(Header + GoodRow + "\n" + GoodRow), "m.csv");

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(9.4e9, r.Value));
    }
}
