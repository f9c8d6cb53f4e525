using System.Globalization;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab;

/// <summary>
/// The WireGuard mesh of a lab: a device per node (kernel module, else wireguard-go in the node namespace), fresh keys
/// per lab, each other node as a peer. Private keys live only in 0600 files under a per-lab folder (default
/// /run/cnibench/keys/&lt;lab&gt;), which <see cref="DisposeAsync"/> deletes; they never reach a command line or a log.
/// </summary>
public sealed class LabWireGuard : IAsyncDisposable
{
    public const string DefaultKeyDirectory = "/run/cnibench/keys";

    /// <summary>
    /// Where wireguard-go puts each device's control socket: one folder for every namespace of the host. It exists only
    /// once some wireguard-go has run (wireguard-go makes it), so nothing may assume it.
    /// </summary>
    public const string SocketDirectory = "/var/run/wireguard";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SocketWait = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<(LabNodePlan Node, IRunningProcess Process)> _daemons;
    private readonly IReadOnlyList<string> _devices;
    private int _disposed;

    private LabWireGuard(string keyDirectory, string implementation, IReadOnlyList<(LabNodePlan, IRunningProcess)> daemons, IReadOnlyList<string> devices)
    {
        KeyDirectory = keyDirectory;
        Implementation = implementation;
        _daemons = daemons;
        _devices = devices;
    }

    /// <summary><c>kernel</c>, or <c>wireguard-go &lt;version&gt;</c>.</summary>
    public string Implementation { get; }

    /// <summary>The lab's key folder (one <c>&lt;node&gt;.key</c> per node while the lab is up).</summary>
    public string KeyDirectory { get; }

    public static string SocketPath(string device) => Path.Combine(SocketDirectory, device + ".sock");

    public static string KeyDirectoryOf(string keyRoot, string lab) => Path.Combine(keyRoot, lab);

    /// <summary>Creates, keys and routes the mesh on a lab whose namespaces and links already exist.</summary>
    public static async Task<LabWireGuard> StartAsync(
        LabBlueprint blueprint, bool kernel, IProcessRunner host, string keyRoot, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        if (ToolPackages.Which("wg") is null)
        {
            throw new ToolMissingException("wg", "wireguard-tools");
        }

        if (!kernel && ToolPackages.Which("wireguard-go") is null)
        {
            throw new ToolMissingException("wireguard-go", "wireguard-go");
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the lab runs on Linux only");
        }

        var keyDirectory = KeyDirectoryOf(keyRoot, blueprint.Lab);
        Directory.CreateDirectory(keyDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var daemons = new List<(LabNodePlan, IRunningProcess)>();
        var devices = blueprint.Nodes.Select(n => n.WireGuardDevice!).ToList();
        var implementation = kernel ? "kernel" : await WireGuardGoVersionAsync(host, cancellationToken);
        var mesh = new LabWireGuard(keyDirectory, implementation, daemons, devices);
        try
        {
            var keys = await Task.WhenAll(blueprint.Nodes.Select(node => NewKeyAsync(host, Path.Combine(keyDirectory, node.Name + ".key"), cancellationToken)));
            var publicKeys = blueprint.Nodes.Select((node, i) => (node.Index, keys[i].PublicKey)).ToDictionary(k => k.Index, k => k.PublicKey);
            if (kernel)
            {
                await Task.WhenAll(blueprint.Nodes.Select(node => BatchRunner.RunAsync(host, LabScript.WireGuardDevice(node), cancellationToken)));
            }
            else
            {
                foreach (var node in blueprint.Nodes)
                {
                    // A socket left by a SIGKILLed daemon of an earlier lab with this name would stop wireguard-go from starting.
                    // On a fresh host the folder itself is missing until the first wireguard-go makes it.
                    HostPaths.DeleteFile(SocketPath(node.WireGuardDevice!));
                    daemons.Add((node, new NetnsProcessRunner(node.Namespace, host).Start(
                        new ProcessSpec("wireguard-go", ["-f", node.WireGuardDevice!]) { Timeout = Timeout.InfiniteTimeSpan })));
                }

                await Task.WhenAll(daemons.Select(d => WaitForSocketAsync(d.Item1, d.Item2, time, cancellationToken)));
            }

            await Task.WhenAll(blueprint.Nodes.Select(async (node, i) =>
            {
                var result = await new NetnsProcessRunner(node.Namespace, host).RunAsync(
                    new ProcessSpec("wg", LabScript.WireGuardPeers(blueprint, node, keys[i].PrivateKeyFile, publicKeys)) { Timeout = StepTimeout },
                    cancellationToken);
                if (!result.Succeeded)
                {
                    throw new LabCommandException($"wg set {node.WireGuardDevice} in {node.Namespace} failed: {result.StandardError.Trim()}");
                }
            }));
            await Task.WhenAll(blueprint.Nodes.Select(node => BatchRunner.RunAsync(host, LabScript.WireGuardRoutes(blueprint, node), cancellationToken)));
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }
    }

    /// <summary>Null while every wireguard-go daemon runs; else which one exited, and how.</summary>
    public string? Check()
    {
        foreach (var (node, process) in _daemons)
        {
            if (process.Completion.IsCompleted)
            {
                var code = process.Completion.IsCompletedSuccessfully ? process.Completion.Result.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";
                return $"wireguard-go on {node.Name} exited (code {code})";
            }
        }

        return null;
    }

    /// <summary>Stops the daemons (normally already killed with their namespaces), deletes their sockets and the key folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var (_, process) in _daemons)
        {
            await process.DisposeAsync();
        }

        foreach (var device in _devices)
        {
            HostPaths.DeleteFile(SocketPath(device));
        }

        HostPaths.DeleteDirectory(KeyDirectory);
    }

    private static async Task<(string PrivateKeyFile, string PublicKey)> NewKeyAsync(IProcessRunner host, string file, CancellationToken cancellationToken)
    {
        var generated = await host.RunAsync(new ProcessSpec("wg", ["genkey"]) { Timeout = StepTimeout }, cancellationToken);
        if (!generated.Succeeded)
        {
            throw new LabCommandException($"wg genkey failed: {generated.StandardError.Trim()}");
        }

        var privateKey = generated.StandardOutput.Trim();
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the lab runs on Linux only");
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var stream = new FileStream(file, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(privateKey.AsMemory(), cancellationToken);
        }

        var derived = await host.RunAsync(new ProcessSpec("wg", ["pubkey"]) { StandardInput = privateKey + "\n", Timeout = StepTimeout }, cancellationToken);
        if (!derived.Succeeded)
        {
            throw new LabCommandException($"wg pubkey failed: {derived.StandardError.Trim()}");
        }

        return (file, derived.StandardOutput.Trim());
    }

    private static async Task WaitForSocketAsync(LabNodePlan node, IRunningProcess daemon, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var socket = SocketPath(node.WireGuardDevice!);
        while (!File.Exists(socket))
        {
            if (daemon.Completion.IsCompleted)
            {
                var result = await daemon.Completion;
                throw new LabCommandException(
                    $"wireguard-go on {node.Name} exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)} before its device was ready: {result.StandardError.Trim()}");
            }

            if (time.GetElapsedTime(started) > SocketWait)
            {
                throw new TimeoutException($"wireguard-go on {node.Name} did not create {socket} within {SocketWait.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken);
        }
    }

    private static async Task<string> WireGuardGoVersionAsync(IProcessRunner host, CancellationToken cancellationToken)
    {
        var result = await host.RunAsync(new ProcessSpec("wireguard-go", ["--version"]) { Timeout = StepTimeout }, cancellationToken);
        var first = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) ? "wireguard-go" : first;
    }
}
