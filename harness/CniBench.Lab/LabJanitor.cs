using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab;

public sealed record LabJanitorOptions
{
    public string StateDirectory { get; init; } = LabStateStore.DefaultDirectory;

    /// <summary>Per-lab WireGuard key folders live here; removing a lab removes its folder.</summary>
    public string KeyDirectory { get; init; } = LabWireGuard.DefaultKeyDirectory;

    /// <summary>Only namespaces and labs whose names start with this are considered; <c>cnb-</c> means all of CniBench.</summary>
    public string Scope { get; init; } = LabNames.Root;

    /// <summary>
    /// A <c>cnb-</c> namespace with no state file is swept only once it is this old: labs write their state
    /// before their first namespace, but another tool may be between `ip netns add` and using it.
    /// </summary>
    public TimeSpan OrphanGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public IProcessRunner Runner { get; init; } = LocalProcessRunner.Instance;
}

/// <summary>A lab as <c>lab status</c> shows it.</summary>
public sealed record LabStatus(
    string Lab,
    string? Cni,
    int? OwnerPid,
    bool OwnerAlive,
    bool Persistent,
    DateTimeOffset? CreatedAt,
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> MissingNamespaces,
    IReadOnlyDictionary<string, IReadOnlyList<int>> Processes,
    string? Problem)
{
    /// <summary>No state file: left by a crash before the state was written, or by something else using the prefix.</summary>
    public bool Orphan => Cni is null;
}

/// <summary>What a sweep or <c>lab down</c> removed, and each lab it could not remove completely (with what is left).</summary>
public sealed record LabRemoval(IReadOnlyList<string> Removed, IReadOnlyList<LabTeardownException> Failed)
{
    /// <summary>Why the labs could not even be looked for (the sweep before a run reports it instead of throwing).</summary>
    public string? Problem { get; init; }
}

/// <summary>Finds and removes labs: stale ones after a crash (sweep), or on request (<c>lab down</c>).</summary>
public sealed class LabJanitor(LabJanitorOptions? options = null)
{
    private readonly LabJanitorOptions _options = options ?? new LabJanitorOptions();

    private LabStateStore Store => new(_options.StateDirectory);

    /// <summary>
    /// Removes labs whose owner is gone and that are not persistent, and <c>cnb-</c> namespaces that no state
    /// file claims (older than the grace period). A live run's lab is never touched. Never throws for a lab it
    /// cannot remove: that lab is in <see cref="LabRemoval.Failed"/>, and the caller goes on.
    /// </summary>
    public async Task<LabRemoval> SweepStaleAsync(CancellationToken cancellationToken)
    {
        var labs = await ListAsync(cancellationToken);
        return await RemoveAllAsync(labs.Where(lab => lab.Orphan ? IsOldOrphan(lab) && !IsLiveProbe(lab.Lab) : !lab.Persistent && !lab.OwnerAlive), cancellationToken);
    }

    /// <summary>
    /// The sweep before a run: <see cref="SweepStaleAsync"/>, with a host where labs cannot be looked for reported in
    /// <see cref="LabRemoval.Problem"/> instead of thrown. Never the end of the run: its labs have names of their own.
    /// </summary>
    public async Task<LabRemoval> SweepBeforeRunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SweepStaleAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ProcessTimeoutException or ToolMissingException)
        {
            return new LabRemoval([], []) { Problem = ex.Message };
        }
    }

    /// <summary>Removes every lab (and orphan namespace) that is <paramref name="labOrPrefix"/> or starts with it and '-'; all in scope when null.</summary>
    public async Task<LabRemoval> DownAsync(string? labOrPrefix, CancellationToken cancellationToken)
    {
        var labs = await ListAsync(cancellationToken);
        return await RemoveAllAsync(labs.Where(lab => labOrPrefix is null || LabNames.BelongsTo(lab.Lab, labOrPrefix)), CancellationToken.None);
    }

    /// <summary>What is left on this host of labs whose names are <paramref name="labOrPrefix"/> or start with it and '-'.</summary>
    public async Task<IReadOnlyList<LabRemains>> RemainsAsync(string labOrPrefix, CancellationToken cancellationToken)
    {
        var remains = new List<LabRemains>();
        foreach (var lab in (await ListAsync(cancellationToken)).Where(l => LabNames.BelongsTo(l.Lab, labOrPrefix)))
        {
            remains.Add(LabTeardown.Inspect(Footprint(lab)));
        }

        // Files a lab without a state file or namespace could still have left: its keys.
        var keyRoot = new DirectoryInfo(_options.KeyDirectory);
        if (keyRoot.Exists)
        {
            remains.AddRange(keyRoot.EnumerateDirectories()
                .Where(d => LabNames.BelongsTo(d.Name, labOrPrefix) && !remains.Exists(r => r.Lab == d.Name))
                .Select(d => new LabRemains(d.Name, [], [], [d.FullName])));
        }

        return [.. remains.Where(r => !r.IsEmpty)];
    }

    /// <summary>Labs from their state files, then each namespace in scope that no state claims as its own orphan entry.</summary>
    public Task<IReadOnlyList<LabStatus>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var present = NetnsTable.Names(_options.Scope);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var labs = new List<(string Lab, LabState? State, string? Problem, IReadOnlyList<string> Namespaces)>();
        foreach (var (lab, state, problem) in Store.ReadAll())
        {
            if (!lab.StartsWith(_options.Scope, StringComparison.Ordinal))
            {
                continue;
            }

            // An unreadable state file still owns whatever namespaces carry its lab name.
            IReadOnlyList<string> namespaces = state?.Namespaces ?? [.. present.Where(ns => LabNames.BelongsTo(ns, lab))];
            claimed.UnionWith(namespaces);
            labs.Add((lab, state, problem, namespaces));
        }

        var orphans = present.Where(ns => !claimed.Contains(ns)).ToList();
        var processes = NetnsTable.Processes([.. labs.SelectMany(l => l.Namespaces), .. orphans]);
        var result = new List<LabStatus>();
        foreach (var (lab, state, problem, namespaces) in labs)
        {
            result.Add(new LabStatus(
                lab,
                state?.Cni ?? "?",
                state?.OwnerPid,
                state?.Owner.IsAlive() ?? false,
                state?.Persistent ?? false,
                state?.CreatedAt,
                namespaces,
                [.. namespaces.Where(ns => !NetnsTable.Exists(ns))],
                Only(processes, namespaces),
                problem));
        }

        result.AddRange(orphans.Select(ns => new LabStatus(
            ns, null, null, false, false, NetnsTable.CreatedAt(ns), [ns], [], Only(processes, [ns]), "no state file")));
        return Task.FromResult<IReadOnlyList<LabStatus>>(result);
    }

    private async Task<LabRemoval> RemoveAllAsync(IEnumerable<LabStatus> labs, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var failed = new List<LabTeardownException>();
        foreach (var lab in labs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await LabTeardown.RemoveAsync(Footprint(lab), _options.Runner, _options.TimeProvider);
                removed.Add(lab.Lab);
            }
            catch (LabTeardownException ex)
            {
                failed.Add(ex);
            }
        }

        return new LabRemoval(removed, failed);
    }

    private LabFootprint Footprint(LabStatus lab) => new(
        lab.Lab,
        lab.Namespaces,
        LabWireGuard.KeyDirectoryOf(_options.KeyDirectory, lab.Lab),
        lab.Orphan ? null : Store.PathOf(lab.Lab));

    private bool IsOldOrphan(LabStatus lab) =>
        lab.CreatedAt is not { } created || _options.TimeProvider.GetUtcNow() - created >= _options.OrphanGracePeriod;

    // LabPreflight names its throwaway namespace cnb-probe-<pid>-...: leave it while that process lives.
    private static bool IsLiveProbe(string ns) =>
        LabPreflight.TryParseProbeOwner(ns) is { } pid && ProcessIdentity.Of(pid) is not null;

    private static Dictionary<string, IReadOnlyList<int>> Only(IReadOnlyDictionary<string, IReadOnlyList<int>> all, IEnumerable<string> namespaces) =>
        namespaces.Where(all.ContainsKey).ToDictionary(ns => ns, ns => all[ns], StringComparer.Ordinal);
}
