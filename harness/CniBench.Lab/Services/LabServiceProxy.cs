using System.Globalization;
using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab.Services;

/// <summary>
/// The lab's kube-proxy: keeps the lab's live Services and, on every change, loads the whole
/// <see cref="KubeProxyRuleset"/> into every node namespace (one <c>nft -f -</c> per node, all nodes in
/// parallel), as kube-proxy programs every node. The base table is there from the lab's start, Service or not. ClusterIPs are handed out in order from
/// <see cref="LabAddressing.ServiceNetwork"/> and not reused until the range wraps, so a new Service never
/// inherits conntrack entries of one just removed. Only pods are clients: node namespaces have no route to the
/// Service range, so no <c>output</c> chain is needed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds nothing to release unless its AvailableWaitHandle is used, which this class never does")]
public sealed class LabServiceProxy : IServiceCluster
{
    public static readonly TimeSpan NftTimeout = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<string> _nodeNamespaces;
    private readonly IProcessRunner _runner;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<int, LabService> _live = [];
    private int _lastOrdinal;

    /// <param name="nodeNamespaces">Where the rules go: every node of the lab.</param>
    /// <param name="runner">Runs programs on this host; nft is wrapped in <c>ip netns exec</c> per node.</param>
    public LabServiceProxy(IReadOnlyList<string> nodeNamespaces, IProcessRunner runner)
    {
        ArgumentNullException.ThrowIfNull(nodeNamespaces);
        ArgumentNullException.ThrowIfNull(runner);
        _nodeNamespaces = nodeNamespaces;
        _runner = runner;
    }

    public IReadOnlyList<string> NodeNamespaces => _nodeNamespaces;

    /// <summary>The Services now in force, by id.</summary>
    public IReadOnlyList<LabService> Services
    {
        get
        {
            lock (_live)
            {
                return [.. _live.Values.OrderBy(s => s.Id)];
            }
        }
    }

    /// <exception cref="ArgumentException">The request is malformed; nothing changed.</exception>
    /// <exception cref="LabCommandException">nft refused the rules on a node; the Service is not kept.</exception>
    public async Task<IServiceExposure> ExposeAsync(ServiceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (Services.Any(s => s.Name == request.Name))
            {
                throw new ArgumentException($"a Service named '{request.Name}' already exists in this lab", nameof(request));
            }

            var ordinal = NextOrdinal();
            var service = new LabService(ordinal, request.Name, LabAddressing.ServiceAddress(ordinal), request.Ports, Addresses(request.Backends));
            await ApplyAsync(Services.Append(service).ToList(), cancellationToken);
            _lastOrdinal = ordinal;
            lock (_live)
            {
                _live[service.Id] = service;
            }

            return new LabServiceExposure(this, service.Id, service.Address, request.Backends);
        }
        finally
        {
            _lock.Release();
        }
    }

    internal async Task SetBackendsAsync(int id, IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var current = Services.SingleOrDefault(s => s.Id == id) ?? throw new InvalidOperationException($"service {id.ToString(CultureInfo.InvariantCulture)} was removed");
            var updated = current with { Backends = Addresses(backends) };
            await ApplyAsync([.. Services.Select(s => s.Id == id ? updated : s)], cancellationToken);
            lock (_live)
            {
                _live[id] = updated;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    internal async Task RemoveAsync(int id, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (Services.All(s => s.Id != id))
            {
                return;
            }

            await ApplyAsync([.. Services.Where(s => s.Id != id)], cancellationToken);
            lock (_live)
            {
                _live.Remove(id);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Loads the base table (no Service yet) into every node: a lab's nodes start as a real node does.</summary>
    /// <exception cref="LabCommandException">nft refused the rules on a node.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(Services, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The next ClusterIP after the last one handed out that no live Service holds, wrapping at the range's end.</summary>
    private int NextOrdinal()
    {
        var taken = Services.Select(s => s.Id).ToHashSet();
        for (var step = 1; step <= LabAddressing.MaxServiceAddresses; step++)
        {
            var candidate = ((_lastOrdinal + step - 1) % LabAddressing.MaxServiceAddresses) + 1;
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"all {LabAddressing.MaxServiceAddresses.ToString(CultureInfo.InvariantCulture)} ClusterIPs of {LabAddressing.ServiceNetwork} are in use");
    }

    private async Task ApplyAsync(IReadOnlyList<LabService> services, CancellationToken cancellationToken)
    {
        var script = KubeProxyRuleset.Render(services);
        var results = await Task.WhenAll(_nodeNamespaces.Select(async ns =>
        {
            var spec = new ProcessSpec("nft", ["-f", "-"]) { StandardInput = script, Timeout = NftTimeout };
            return (Namespace: ns, Result: await new NetnsProcessRunner(ns, _runner).RunAsync(spec, cancellationToken));
        }));
        var failures = results
            .Where(r => !r.Result.Succeeded)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"nft -f - in {r.Namespace} exited with code {r.Result.ExitCode}: {r.Result.StandardError.Trim()}"))
            .ToList();
        if (failures.Count > 0)
        {
            throw new LabCommandException(string.Join("; ", failures));
        }
    }

    private static IReadOnlyList<IPAddress> Addresses(IReadOnlyList<IWorkloadHost> backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        return [.. backends.Select(b => b.Address)];
    }
}

/// <summary>One Service of a <see cref="LabServiceProxy"/>; disposing it removes its rules from every node.</summary>
internal sealed class LabServiceExposure(LabServiceProxy proxy, int id, IPAddress address, IReadOnlyList<IWorkloadHost> backends) : IServiceExposure
{
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(30);

    private int _disposed;

    public IPAddress Address { get; } = address;

    public IReadOnlyList<IWorkloadHost> Backends { get; private set; } = backends;

    public async Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await proxy.SetBackendsAsync(id, backends, cancellationToken);
        Backends = backends;
    }

    /// <summary>Removes the rules even when the run is being cancelled: rules left behind would outlive the Service.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(RemoveTimeout);
        await proxy.RemoveAsync(id, timeout.Token);
    }

    public override string ToString() => $"{Address} -> {string.Join(", ", Backends.Select(b => b.Address))}";
}
