using System.ComponentModel;
using System.Runtime.InteropServices;

namespace CniBench.Lab.Probes;

/// <summary>
/// Runs a piece of work inside a network namespace on a dedicated, short-lived thread. setns(2) moves only
/// the calling thread, so a thread-pool thread must never do it; a socket keeps the namespace it was created
/// in, so whatever the work creates can be used from any thread afterwards.
/// </summary>
internal static partial class NetnsThread
{
    /// <summary>The OS-visible name of every such thread (15 characters at most), so tests can find leftovers.</summary>
    public const string ThreadName = "cnb-netns";

    private const int CloneNewNet = 0x40000000;
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>Runs <paramref name="work"/> in <c>/run/netns/&lt;netnsName&gt;</c> and returns its result.</summary>
    public static Task<T> RunAsync<T>(string netnsName, Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(netnsName);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(InNamespace(path, work));
            }
            catch (Exception error)
            {
                done.SetException(error);
            }
        })
        {
            IsBackground = true,
            Name = ThreadName,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>The bind-mounted namespace file <c>ip netns add</c> creates.</summary>
    public static string PathOf(string netnsName)
    {
        if (string.IsNullOrEmpty(netnsName) || netnsName.Contains('/', StringComparison.Ordinal) || netnsName is "." or "..")
        {
            throw new ArgumentException($"'{netnsName}' is not a network namespace name", nameof(netnsName));
        }

        return "/run/netns/" + netnsName;
    }

    private static T InNamespace<T>(string path, Func<T> work)
    {
        // Saved first, so the thread can always go home, whatever happens in between.
        var original = Open("/proc/thread-self/ns/net");
        try
        {
            var target = Open(path);
            try
            {
                Enter(target, path);
            }
            finally
            {
                _ = Close(target);
            }

            try
            {
                return work();
            }
            finally
            {
                // If going home fails the thread is still discarded right after, so nothing else ever runs in
                // the wrong namespace; the error is not thrown over the work's own outcome.
                _ = SetNs(original, CloneNewNet);
            }
        }
        finally
        {
            _ = Close(original);
        }
    }

    private static int Open(string path)
    {
        var fd = OpenFile(path, ReadOnly | CloseOnExec);
        return fd >= 0 ? fd : throw Failure("open " + path);
    }

    private static void Enter(int fd, string path)
    {
        if (SetNs(fd, CloneNewNet) != 0)
        {
            throw Failure("setns " + path);
        }
    }

    private static InvalidOperationException Failure(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new InvalidOperationException($"{what}: {new Win32Exception(errno).Message} (errno {errno})");
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
