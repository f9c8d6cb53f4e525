namespace CniBench.Cli.Tests;

/// <summary>
/// Watches a run from outside while it goes: finds its run id (the folder it makes under --out), and keeps
/// sampling the namespaces and iperf3 processes under its prefix, so the test can later check each one is gone.
/// </summary>
internal sealed class RunTracker : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly string _outRoot;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<int> _iperf3 = [];
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private string? _runId;

    public RunTracker(string outRoot)
    {
        _outRoot = outRoot;
        _loop = Task.Run(LoopAsync);
    }

    public string? RunId => Volatile.Read(ref _runId);

    /// <summary>The run's lab prefix, <c>cnb-</c> and the last 4 hex digits of the run id, as LabProvider.ForRun names it.</summary>
    public string? Prefix => RunId is { } id ? "cnb-" + id[(id.LastIndexOf('-') + 1)..] : null;

    public string? RunDirectory => RunId is { } id ? Path.Combine(_outRoot, id) : null;

    public string MeasurementsCsv => Path.Combine(RunDirectory ?? _outRoot, "measurements.csv");

    public IReadOnlyList<int> SeenIperf3
    {
        get
        {
            lock (_iperf3)
            {
                return [.. _iperf3];
            }
        }
    }

    public IReadOnlyList<string> SeenNamespaces
    {
        get
        {
            lock (_namespaces)
            {
                return [.. _namespaces];
            }
        }
    }

    /// <summary>Data lines of measurements.csv as they are now (the header excluded); empty before the file exists.</summary>
    public IReadOnlyList<string> DataLines()
    {
        try
        {
            using var stream = new FileStream(MeasurementsCsv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            // The last piece may be a line still being written: count only lines that ended.
            return [.. lines.Skip(1).Take(Math.Max(0, lines.Length - 2)).Where(l => l.Length > 0)];
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            await Task.Delay(Interval, _stop.Token);
        }
    }

    private void Sample()
    {
        if (RunId is null)
        {
            var runs = Directory.GetDirectories(_outRoot);
            if (runs.Length == 1)
            {
                Volatile.Write(ref _runId, Path.GetFileName(runs[0]));
            }

            return;
        }

        var prefix = Prefix!;
        lock (_namespaces)
        {
            _namespaces.UnionWith(HostLabs.Namespaces(prefix));
        }

        lock (_iperf3)
        {
            _iperf3.UnionWith(HostLabs.Iperf3Inside(prefix));
        }
    }
}

internal static class Wait
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails the test with <paramref name="describe"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"waited {timeout.TotalSeconds:0} s in vain: {describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
