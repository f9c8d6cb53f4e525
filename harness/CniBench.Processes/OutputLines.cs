using System.Text;
using CniBench.Core.Processes;

namespace CniBench.Processes;

/// <summary>
/// Standard output of a background program as it arrives, with waiting for a line (a server's "listening")
/// that fails fast when the program exits first. Shared by every <see cref="IRunningProcess"/>.
/// </summary>
public sealed class OutputLines
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource Signal)> _waiters = [];

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public void Add(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Predicate(line))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// Completes when a line satisfies <paramref name="predicate"/>; throws <paramref name="exitedFirst"/>'s
    /// exception when <paramref name="completion"/> ends first, and <see cref="ProcessTimeoutException"/> on timeout.
    /// </summary>
    public async Task WaitAsync(
        Func<string, bool> predicate,
        ProcessSpec spec,
        Task<ProcessResult> completion,
        Func<ProcessResult, Exception> exitedFirst,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_text.ToString().Split('\n').Any(line => predicate(line.TrimEnd('\r'))))
            {
                return;
            }

            _waiters.Add((predicate, signal));
        }

        var finished = await Task.WhenAny(signal.Task, completion, Task.Delay(timeout, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        if (finished == signal.Task)
        {
            return;
        }

        if (finished == completion)
        {
            throw exitedFirst(await completion);
        }

        throw new ProcessTimeoutException(spec, timeout);
    }
}
