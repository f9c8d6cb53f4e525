using System.Globalization;
using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Lab.Probes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using CniBench.Processes;

namespace CniBench.Lab.Tests.Probes;

/// <summary>A real 2 nodes x 2 pods lab whose pods are named like the policy model (x/a, x/b, y/a, y/b).</summary>
internal sealed class ProbeLab : IAsyncDisposable
{
    private readonly LabProviderOptions _options;

    private ProbeLab(LabCluster cluster, LabProviderOptions options)
    {
        Cluster = cluster;
        _options = options;
        var ids = new[] { "x/a", "x/b", "y/a", "y/b" };
        Pods = [.. cluster.Blueprint.Pods.Zip(ids, (pod, id) => new ProbePod(id, pod.Namespace, pod.Address))];
    }

    public LabCluster Cluster { get; }

    public IReadOnlyList<ProbePod> Pods { get; }

    public IReadOnlyDictionary<string, string> Namespaces => Pods.ToDictionary(p => p.Id, p => p.Namespace, StringComparer.Ordinal);

    public static async Task<ProbeLab> CreateAsync(string cni, CancellationToken cancellationToken)
    {
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest(cni, ClusterShape.Default with { Nodes = 2, PodsPerNode = 2 }), null, cancellationToken);
        // LabProvider.CreateAsync returns only once every link is up.
        return new ProbeLab(cluster, options);
    }

    public ProbePod Pod(string id) => Pods.Single(p => p.Id == id);

    public static IReadOnlyList<ListenerSpec> Serve(IEnumerable<ProbePod> pods, params (int Port, NetpolProtocol Protocol)[] ports) =>
        [.. pods.Select(p => new ListenerSpec(p.Id, [.. ports.Select(x => new ContainerPortModel(null, x.Port, x.Protocol))]))];

    public static ProbeRequest Probe(ProbePod from, ProbePod to, int port, NetpolProtocol protocol, bool control = false) =>
        new(from.Id, to.Id, to.Address, port, protocol, control);

    /// <summary>Drops the given port (TCP and UDP) at the pod's input hook, as a deny policy would.</summary>
    public static async Task DropAsync(ProbePod pod, int port, CancellationToken cancellationToken)
    {
        var ruleset = string.Create(CultureInfo.InvariantCulture, $$"""
            table inet cnb_probe_test {
              chain input {
                type filter hook input priority filter; policy accept;
                tcp dport {{port}} drop
                udp dport {{port}} drop
              }
            }

            """);
        var result = await new NetnsProcessRunner(pod.Namespace, LocalProcessRunner.Instance)
            .RunAsync(new ProcessSpec("nft", ["-f", "-"]) { StandardInput = ruleset, Timeout = TimeSpan.FromSeconds(10) }, cancellationToken);
        Assert.True(result.Succeeded, result.StandardError);
    }

    /// <summary>Local ports of every listening TCP socket and bound UDP socket in the pod's namespace, from ss.</summary>
    public static async Task<IReadOnlyList<int>> ListeningPortsAsync(ProbePod pod, CancellationToken cancellationToken)
    {
        var result = await new NetnsProcessRunner(pod.Namespace, LocalProcessRunner.Instance)
            .RunAsync(new ProcessSpec("ss", ["-ltnuH"]) { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken);
        Assert.True(result.Succeeded, result.StandardError);
        return
        [
            .. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4])
                .Select(local => int.Parse(local[(local.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Assert.Empty(Directory.Exists("/run/netns")
            ? Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).Where(n => n!.StartsWith(_options.RunPrefix + "-", StringComparison.Ordinal))
            : []);
        if (Directory.Exists(_options.StateDirectory))
        {
            Directory.Delete(_options.StateDirectory, recursive: true);
        }
    }
}

internal sealed record ProbePod(string Id, string Namespace, IPAddress Address);
