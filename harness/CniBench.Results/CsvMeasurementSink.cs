using System.Globalization;
using System.Text;
using CniBench.Core.Measurements;
using CsvHelper;

namespace CniBench.Results;

/// <summary>
/// Writes <c>measurements.csv</c> and <c>raw/…</c> of one run folder. Every row is on disk before
/// <see cref="WriteAsync"/> returns, so a crash loses nothing already measured; reopening the folder
/// appends (resume) without a second header.
/// </summary>
public sealed class CsvMeasurementSink : IMeasurementSink, IAsyncDisposable, IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    internal static CsvWriterOptions WriterOptions { get; } = new()
    {
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
        WriteByteOrderMark = false,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _stream;
    private readonly CsvWriter _csv;
    private bool _disposed;

    private CsvMeasurementSink(string runDirectory, FileStream stream)
    {
        RunDirectory = runDirectory;
        _stream = stream;
        _csv = CsvWriter.Create(stream, WriterOptions, leaveOpen: true);
    }

    /// <summary>Full path of the run folder.</summary>
    public string RunDirectory { get; }

    public string MeasurementsPath => Path.Join(RunDirectory, RunFolder.MeasurementsCsv);

    /// <summary>Opens (creating if needed) the run folder's measurements.csv for appending.</summary>
    /// <exception cref="InvalidDataException">The existing file starts with a different header.</exception>
    public static CsvMeasurementSink Open(string runDirectory)
    {
        var fullDirectory = Path.GetFullPath(runDirectory);
        Directory.CreateDirectory(fullDirectory);
        var path = Path.Join(fullDirectory, RunFolder.MeasurementsCsv);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var needsHeader = PrepareForAppend(stream, path);
            var sink = new CsvMeasurementSink(fullDirectory, stream);
            if (needsHeader)
            {
                sink.WriteHeaderDurably();
            }

            return sink;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public async Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var row in rows)
            {
                _csv.WriteRecord(MeasurementCsvFormat.ToFields(row));
            }

            await _csv.FlushAsync(cancellationToken);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes a tool's own output under <c>raw/</c>. The path may be given relative to <c>raw/</c> or
    /// to the run folder (a leading <c>raw/</c> is not doubled); it must stay inside <c>raw/</c>.
    /// </summary>
    /// <returns>The path relative to the run folder, with forward slashes (e.g. <c>raw/tcp/x.json</c>).</returns>
    public async Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fullPath = ResolveRawPath(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var file = new FileStream(fullPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        await using (file.ConfigureAwait(false))
        {
            var bytes = Utf8NoBom.GetBytes(content);
            await file.WriteAsync(bytes, cancellationToken);
            file.Flush(flushToDisk: true);
        }

        return Path.GetRelativePath(RunDirectory, fullPath).Replace(Path.DirectorySeparatorChar, '/');
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _csv.DisposeAsync();
            await _stream.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _csv.Dispose();
            _stream.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    internal string ResolveRawPath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var normalized = relativePath.Replace('\\', '/');
        if (Path.IsPathRooted(normalized))
        {
            throw new ArgumentException($"Raw path '{relativePath}' must be relative to the run folder", nameof(relativePath));
        }

        // Tool output goes under raw/; the policy truth tables have their own top-level folder.
        var folder = RunFolder.RawDirectory;
        foreach (var allowed in new[] { RunFolder.RawDirectory, RunFolder.NetpolDirectory })
        {
            if (normalized.StartsWith(allowed + "/", StringComparison.Ordinal))
            {
                folder = allowed;
                normalized = normalized[(allowed.Length + 1)..];
                break;
            }
        }

        var root = Path.GetFullPath(Path.Join(RunDirectory, folder)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Join(root, normalized));
        if (!full.StartsWith(root, StringComparison.Ordinal) || full.Length == root.Length)
        {
            throw new ArgumentException($"Raw path '{relativePath}' escapes the run folder's {folder}/ directory", nameof(relativePath));
        }

        return full;
    }

    private void WriteHeaderDurably()
    {
        _csv.WriteHeader(MeasurementCsvFormat.Columns);
        _csv.Flush();
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Checks an existing file's header and positions at its end. A last row cut short by a crash
    /// gets its line ended, so the damage stays on one line that the reader can name.
    /// </summary>
    /// <returns>Whether the file is empty and needs a header.</returns>
    private static bool PrepareForAppend(FileStream stream, string path)
    {
        if (stream.Length == 0)
        {
            return true;
        }

        var header = ReadFirstLine(stream);
        if (!string.Equals(header, MeasurementCsvFormat.HeaderLine, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"{path} line 1: header '{header}' is not the measurements.csv header '{MeasurementCsvFormat.HeaderLine}'; refusing to append");
        }

        stream.Seek(-1, SeekOrigin.End);
        var last = stream.ReadByte();
        stream.Seek(0, SeekOrigin.End);
        if (last != '\n')
        {
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }

        return false;
    }

    private static string ReadFirstLine(FileStream stream)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new List<byte>();
        const int maxHeaderBytes = 4096;
        int b;
        while (bytes.Count < maxHeaderBytes && (b = stream.ReadByte()) >= 0 && b != '\n')
        {
            bytes.Add((byte)b);
        }

        return Utf8NoBom.GetString([.. bytes]).TrimEnd('\r').TrimStart('\uFEFF');
    }
}
