using System.Globalization;
using CniBench.Core.Measurements;

namespace CniBench.Results.Tests;

public sealed class CsvMeasurementSinkTests
{
    private static readonly string ExpectedHeader =
        "run_id,provider,cni,test,variant,topology,repetition,metric,value,unit,status,reason,timestamp,raw_file";

    [Fact]
    public async Task WriteAsync_ThreeRows_ReadBackEqual()
    {
        using var dir = new TempRunDirectory();
        Measurement[] rows =
        [
            Samples.Row("flannel", 9.4123456789e9),
            Samples.Row("calico", null, repetition: 2, status: MeasurementStatus.Failed, reason: "iperf3 exited 1: \"connection refused\", retry"),
            Samples.Row("cilium", null, repetition: 3, status: MeasurementStatus.Unsupported, reason: "kernel lacks wireguard"),
        ];

        await using (var sink = CsvMeasurementSink.Open(dir.Path))
        {
            await sink.WriteAsync(rows, TestContext.Current.CancellationToken);
        }

        var read = MeasurementCsvReader.Read(Path.Join(dir.Path, "measurements.csv"));

        Assert.Equal(rows, read);
    }

    [Fact]
    public async Task Open_ExistingFile_AppendsWithoutSecondHeader()
    {
        using var dir = new TempRunDirectory();
        await using (var first = CsvMeasurementSink.Open(dir.Path))
        {
            await first.WriteAsync([Samples.Row("flannel", 1e9)], TestContext.Current.CancellationToken);
        }

        await using (var second = CsvMeasurementSink.Open(dir.Path))
        {
            await second.WriteAsync([Samples.Row("flannel", 2e9, repetition: 2)], TestContext.Current.CancellationToken);
        }

        var lines = await File.ReadAllLinesAsync(Path.Join(dir.Path, "measurements.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(3, lines.Length);
        Assert.Equal(ExpectedHeader, lines[0]);
        Assert.Single(lines, l => l.StartsWith("run_id", StringComparison.Ordinal));
        Assert.Equal([1e9, 2e9], MeasurementCsvReader.Read(Path.Join(dir.Path, "measurements.csv")).Select(m => m.Value!.Value));
    }

    [Fact]
    public async Task WriteAsync_BeforeDispose_RowIsOnDiskForAnotherReader()
    {
        using var dir = new TempRunDirectory();
        await using var sink = CsvMeasurementSink.Open(dir.Path);

        await sink.WriteAsync([Samples.Row("calico", 8.5e9)], TestContext.Current.CancellationToken);

        // A separate handle sees only what reached the file, not what sits in the sink's buffers.
        await using var other = new FileStream(sink.MeasurementsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(other);
        var text = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith(ExpectedHeader + "\n", text, StringComparison.Ordinal);
        Assert.Contains(",calico,tcp,streams-1,cross-node,1,throughput_bps,8500000000,bit/s,ok,,2026-11-26T12:00:01.0000000Z,raw/tcp/calico-1.json\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_GermanCurrentCulture_WritesInvariantNumbers()
    {
        using var dir = new TempRunDirectory();
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal("1,5", 1.5.ToString(CultureInfo.CurrentCulture)); // proves the culture really is German here
            await using (var sink = CsvMeasurementSink.Open(dir.Path))
            {
                await sink.WriteAsync([Samples.Row("flannel", 1234.5)], TestContext.Current.CancellationToken);
            }

            var text = await File.ReadAllTextAsync(Path.Join(dir.Path, "measurements.csv"), TestContext.Current.CancellationToken);
            Assert.Contains(",1234.5,bit/s,", text, StringComparison.Ordinal);
            Assert.Equal(1234.5, Assert.Single(MeasurementCsvReader.Read(Path.Join(dir.Path, "measurements.csv"))).Value);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public async Task WriteAsync_FailedRowWithValue_WritesEmptyValue()
    {
        using var dir = new TempRunDirectory();
        await using (var sink = CsvMeasurementSink.Open(dir.Path))
        {
            await sink.WriteAsync([Samples.Row("flannel", 42, status: MeasurementStatus.Failed, reason: "line one\nline two")], TestContext.Current.CancellationToken);
        }

        var row = Assert.Single(MeasurementCsvReader.Read(Path.Join(dir.Path, "measurements.csv")));
        Assert.Null(row.Value);
        Assert.Equal("line one line two", row.Reason);
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWriters_EveryRowIntact()
    {
        using var dir = new TempRunDirectory();
        await using (var sink = CsvMeasurementSink.Open(dir.Path))
        {
            var writes = Enumerable.Range(1, 40)
                .Select(i => sink.WriteAsync([Samples.Row("flannel", i, repetition: i)], TestContext.Current.CancellationToken));
            await Task.WhenAll(writes);
        }

        var read = MeasurementCsvReader.Read(Path.Join(dir.Path, "measurements.csv"));
        Assert.Equal(Enumerable.Range(1, 40), read.Select(m => m.Repetition).Order());
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("tcp/../../run.json")]
    [InlineData("/etc/passwd")]
    [InlineData("raw/../measurements.csv")]
    public async Task WriteRawAsync_PathEscapingRunFolder_Throws(string path)
    {
        using var dir = new TempRunDirectory();
        await using var sink = CsvMeasurementSink.Open(dir.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => sink.WriteRawAsync(path, "x", TestContext.Current.CancellationToken));

        Assert.False(File.Exists(Path.Join(dir.Path, "escape.json")));
    }

    [Theory]
    [InlineData("tcp/flannel/r1.json")]
    [InlineData("raw/tcp/flannel/r1.json")]
    public async Task WriteRawAsync_NestedPath_WritesUnderRawAndReturnsRunRelativePath(string path)
    {
        using var dir = new TempRunDirectory();
        await using var sink = CsvMeasurementSink.Open(dir.Path);

        var relative = await sink.WriteRawAsync(path, "{\"end\":{}}", TestContext.Current.CancellationToken);

        Assert.Equal("raw/tcp/flannel/r1.json", relative);
        Assert.Equal("{\"end\":{}}", await File.ReadAllTextAsync(Path.Join(dir.Path, relative), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Open_FileWithForeignHeader_Throws()
    {
        using var dir = new TempRunDirectory();
        await File.WriteAllTextAsync(Path.Join(dir.Path, "measurements.csv"), "a,b,c\n1,2,3\n", TestContext.Current.CancellationToken);

        var error = Assert.Throws<InvalidDataException>(() => CsvMeasurementSink.Open(dir.Path));

        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_LastRowCutShort_NewRowsStartOnTheirOwnLine()
    {
        using var dir = new TempRunDirectory();
        await using (var sink = CsvMeasurementSink.Open(dir.Path))
        {
            await sink.WriteAsync([Samples.Row("flannel", 1e9)], TestContext.Current.CancellationToken);
        }

        var path = Path.Join(dir.Path, "measurements.csv");
        await File.AppendAllTextAsync(path, "20261126T120000Z-ab12,lab,calico,tcp", TestContext.Current.CancellationToken);
        await using (var sink = CsvMeasurementSink.Open(dir.Path))
        {
            await sink.WriteAsync([Samples.Row("flannel", 2e9, repetition: 2)], TestContext.Current.CancellationToken);
        }

        var error = Assert.Throws<MeasurementCsvException>(() => MeasurementCsvReader.Read(path));
        Assert.Equal(3, error.LineNumber);
        Assert.EndsWith(",raw/tcp/flannel-2.json", (await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken))[3], StringComparison.Ordinal);
    }
}
