using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Tests.Fakes;

/// <summary>
/// A CNI for the fake API server: it enforces the NetworkPolicies the API holds, as the oracle says, but only a random
/// (seeded) delay after each change, as a real agent programs its datapath asynchronously after the API server accepted
/// the objects. It answers the harness's agnhost probe scripts (<c>p &lt;i&gt; &lt;ip&gt;:&lt;port&gt; … --protocol=…</c>) the
/// way <c>agnhost connect</c> would: "0" when allowed, "1 TIMEOUT" when a policy drops it, "1 REFUSED" when nothing
/// listens. Plug it in with <see cref="Attach"/>.
/// </summary>
internal sealed partial class SimulatedCni
{
    private readonly ClusterModel _cluster;
    private readonly Func<IReadOnlyList<V1NetworkPolicy>> _policies;
    private readonly Random _random;
    private readonly TimeSpan _minDelay;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private string _wanted = "";
    private IReadOnlyList<V1NetworkPolicy> _pending = [];
    private long _programmedAt;
    private IReadOnlyList<V1NetworkPolicy> _effective = [];

    /// <param name="cluster">The cluster as the datapath sees it: real namespace names and labels, pod names, IPs and ports.</param>
    /// <param name="policies">What the API server holds right now.</param>
    public SimulatedCni(ClusterModel cluster, Func<IReadOnlyList<V1NetworkPolicy>> policies, int seed, TimeSpan minDelay, TimeSpan maxDelay, TimeProvider? time = null)
    {
        _cluster = cluster;
        _policies = policies;
        _random = new Random(seed);
        _minDelay = minDelay;
        _maxDelay = maxDelay;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>False plays an agent that never programs anything (crashed, or a CNI without policy support).</summary>
    public bool Programs { get; init; } = true;

    /// <summary>The delays drawn so far, one per change of the API's policies.</summary>
    public List<TimeSpan> Delays { get; } = [];

    public void Attach(FakeKubeApiServer server) => server.ExecInPod = Answer;

    private ExecReply? Answer(string ns, string pod, IReadOnlyList<string> argv)
    {
        if (argv is not ["sh", "-c", var script] || !_cluster.TryGetPodIndex(ns + "/" + pod, out var source))
        {
            return null;
        }

        var oracle = new PolicyOracle(_cluster, Effective());
        var output = new StringBuilder();
        foreach (Match probe in ProbeLine().Matches(script))
        {
            var address = IPAddress.Parse(probe.Groups["ip"].Value);
            var port = int.Parse(probe.Groups["port"].Value, CultureInfo.InvariantCulture);
            var protocol = probe.Groups["proto"].Value switch { "udp" => NetpolProtocol.Udp, "sctp" => NetpolProtocol.Sctp, _ => NetpolProtocol.Tcp };
            var destination = _cluster.Pods.FirstOrDefault(p => address.Equals(p.Ip));
            var served = destination?.Ports.Any(p => p.Port == port && p.Protocol == protocol) == true;
            var line = destination is null ? "1 TIMEOUT"
                : !oracle.IsAllowed(_cluster.Pods[source].Id, destination.Id, new ProbeKey(port, protocol)) ? "1 TIMEOUT"
                : served ? "0 " : "1 REFUSED: connection refused";
            output.Append(probe.Groups["i"].Value).Append(' ').Append(line).Append('\n');
        }

        return new ExecReply(output.ToString());
    }

    /// <summary>What the datapath enforces now: the API's policies once their delay has passed, the previous ones until then.</summary>
    private IReadOnlyList<V1NetworkPolicy> Effective()
    {
        var wanted = _policies();
        var key = string.Join("\n", wanted.Select(p => KubernetesJson.Serialize(p)).Order(StringComparer.Ordinal));
        lock (_gate)
        {
            if (key != _wanted)
            {
                _wanted = key;
                _pending = wanted;
                var delay = _minDelay + TimeSpan.FromTicks((long)(_random.NextDouble() * (_maxDelay - _minDelay).Ticks));
                Delays.Add(delay);
                _programmedAt = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
            }

            if (Programs && _time.GetTimestamp() >= _programmedAt)
            {
                _effective = _pending;
            }

            return _effective;
        }
    }

    [GeneratedRegex(@"^p (?<i>\d+) (?<ip>[0-9.]+):(?<port>\d+) --timeout=\S+ --protocol=(?<proto>[a-z]+) &$", RegexOptions.Multiline)]
    private static partial Regex ProbeLine();
}
