using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Workloads.Tests.Integration;

/// <summary>A throwaway network namespace with loopback up; disposal kills what runs in it and deletes it.</summary>
public sealed class TestNamespace : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    private TestNamespace(string name)
    {
        Name = name;
        Runner = new NetnsProcessRunner(name, LocalProcessRunner.Instance);
    }

    public string Name { get; }

    public NetnsProcessRunner Runner { get; }

    /// <summary>Why these tests cannot run here, or null when they can.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "creating network namespaces needs root";
        }

        if (!ToolPackages.IsOnPath("ip"))
        {
            return "'ip' (iproute2) is not installed";
        }

        return ToolPackages.IsOnPath("iperf3") ? null : "'iperf3' is not installed";
    }

    public static async Task<TestNamespace> CreateAsync(CancellationToken cancellationToken)
    {
        var ns = new TestNamespace($"cnb-wl-{Random.Shared.Next(0x10000, 0xfffff):x}");
        await Ip(["netns", "add", ns.Name], cancellationToken);
        try
        {
            await Ip(["-n", ns.Name, "link", "set", "lo", "up"], cancellationToken);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        return ns;
    }

    /// <summary>A workload host on this namespace's loopback.</summary>
    public IWorkloadHost Host(string name) => new LoopbackHost(name, Runner);

    public async Task<IReadOnlyList<int>> PidsAsync(CancellationToken cancellationToken)
    {
        var result = await LocalProcessRunner.Instance.RunAsync(
            new ProcessSpec("ip", ["netns", "pids", Name]) { Timeout = CommandTimeout }, cancellationToken);
        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var pid in await PidsAsync(CancellationToken.None))
            {
                KillQuietly(pid);
            }
        }
        finally
        {
            await Ip(["netns", "del", Name], CancellationToken.None);
        }
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static void KillQuietly(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Exited between lookup and kill.
        }
    }

    private static async Task Ip(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec("ip", args) { Timeout = CommandTimeout };
        var result = await LocalProcessRunner.Instance.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{spec}' failed: {result.StandardError.Trim()}");
        }
    }

    private sealed record LoopbackHost(string Name, IProcessRunner Runner) : IWorkloadHost
    {
        public string NodeName => "n1";

        public IPAddress Address => IPAddress.Loopback;

        public int Mtu => 65536;
    }
}
