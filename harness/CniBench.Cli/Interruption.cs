using System.Runtime.InteropServices;

namespace CniBench.Cli;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a cancellation, so a run can tear its lab down before exiting.
/// The signal's default action (kill now) is suppressed: teardown after a crash is what leaks namespaces.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    public Interruption(Action<string> notify)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (Interlocked.Increment(ref _count) == 1)
                {
                    notify($"{context.Signal}: stopping after clean-up; results so far are kept");
                    _cts.Cancel();
                }
                else
                {
                    notify("still cleaning up the lab; it takes a moment (if you kill the process, run 'cnibench lab down')");
                }
            }));
        }
    }

    public CancellationToken Token => _cts.Token;

    public bool Requested => _cts.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cts.Dispose();
    }
}
