using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Workloads.Tests.Mtu;

/// <summary>
/// Two throwaway namespaces joined by one veth pair, each end with its own MTU: the smallest real path whose
/// MTU is known. Disposal deletes both namespaces, which removes the pair with them.
/// </summary>
internal sealed class VethPair : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.254.1");
    private static readonly IPAddress ServerAddress = IPAddress.Parse("198.18.254.2");

    private readonly List<string> _namespaces = [];

    private VethPair(string prefix)
    {
        Prefix = prefix;
    }

    public string Prefix { get; }

    public IWorkloadHost Client { get; private set; } = null!;

    public IWorkloadHost Server { get; private set; } = null!;

    /// <summary>Why this cannot run here, or null when it can.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "creating network namespaces and veth pairs needs root";
        }

        if (!ToolPackages.IsOnPath("ip"))
        {
            return "'ip' (iproute2) is not installed";
        }

        return ToolPackages.IsOnPath("ping") ? null : "'ping' (iputils-ping) is not installed";
    }

    public static async Task<VethPair> CreateAsync(int clientMtu, int serverMtu, CancellationToken cancellationToken)
    {
        var pair = new VethPair($"cnb-mtu-{Random.Shared.Next(0x10000, 0xfffff):x}");
        try
        {
            pair.Client = await pair.EndAsync("c", clientMtu, ClientAddress, cancellationToken);
            pair.Server = await pair.EndAsync("s", serverMtu, ServerAddress, cancellationToken);
            // The link is created with both ends already in their namespaces, so no name is ever taken on the host.
            await Ip(
                ["link", "add", "eth0", "netns", pair._namespaces[0], "type", "veth", "peer", "name", "eth0", "netns", pair._namespaces[1]],
                cancellationToken);
            foreach (var (ns, host) in new[] { (pair._namespaces[0], pair.Client), (pair._namespaces[1], pair.Server) })
            {
                await Ip(["-n", ns, "link", "set", "eth0", "mtu", host.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture), "up"], cancellationToken);
                await Ip(["-n", ns, "addr", "add", $"{host.Address}/30", "dev", "eth0"], cancellationToken);
            }
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }

        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        foreach (var ns in _namespaces)
        {
            try
            {
                await Ip(["netns", "del", ns], CancellationToken.None);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", failures));
        }
    }

    private async Task<IWorkloadHost> EndAsync(string role, int mtu, IPAddress address, CancellationToken cancellationToken)
    {
        var name = $"{Prefix}-{role}";
        await Ip(["netns", "add", name], cancellationToken);
        _namespaces.Add(name);
        await Ip(["-n", name, "link", "set", "lo", "up"], cancellationToken);
        return new Host(name, address, mtu, new NetnsProcessRunner(name, LocalProcessRunner.Instance));
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

    private sealed record Host(string Name, IPAddress Address, int Mtu, IProcessRunner Runner) : IWorkloadHost
    {
        public string NodeName => Name;
    }
}
