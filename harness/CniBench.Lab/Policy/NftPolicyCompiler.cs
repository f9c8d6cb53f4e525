using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CniBench.Catalog;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Policies;
using k8s.Models;

namespace CniBench.Lab.Policy;

/// <summary>
/// Compiles NetworkPolicies into nftables rules the way a routed CNI's agent does (felix in iptables/nft
/// mode): selectors and ipBlocks become address sets, ports become port sets, and each isolated pod gets a
/// chain on its node that returns for allowed traffic and drops the rest. It never asks the oracle for a
/// verdict, so comparing its effect with the oracle's truth tables is a real test of both.
/// </summary>
/// <remarks>
/// Per node namespace: <c>table inet cnibench_policy</c> whose base chain <c>forward</c> accepts replies
/// (<c>ct state established,related</c>), sends traffic leaving an egress-isolated pod (<c>ip saddr</c> its
/// address) to the pod's egress chain, then traffic entering an ingress-isolated pod (<c>ip daddr</c>) to
/// its ingress chain. A connection therefore needs its source's egress and its destination's ingress to allow
/// it, each checked on the node that hosts the pod. Dispatch is on addresses, not host veths, because on a
/// bridged datapath (kube-router, weave) br_netfilter hands bridged packets to this hook with the bridge as
/// iifname/oifname; on a routed one both keys pick the same packets. Traffic a pod sends to itself never
/// leaves the pod's namespace, so it is not policed here (nor by Calico).
/// </remarks>
public static partial class NftPolicyCompiler
{
    public const string Table = "cnibench_policy";

    // nft rule comments are limited to 128 bytes including the terminator.
    private const int MaxCommentLength = 127;

    /// <summary>Removes the table if it exists: declaring it first makes the delete succeed either way.</summary>
    public static string ClearScript { get; } = $"table inet {Table}\ndelete table inet {Table}\n";

    /// <summary>
    /// One script per node namespace that hosts a placed pod, in order of first placement; none at all when
    /// the datapath enforces neither direction. Each script replaces the table wholesale.
    /// </summary>
    /// <exception cref="PolicyCompileException">Invalid policies or placements; lists every problem.</exception>
    public static IReadOnlyList<NftNodeScript> Compile(
        ClusterModel model,
        IReadOnlyList<PodPlacement> placements,
        IReadOnlyList<V1NetworkPolicy> policies,
        PolicySupport enforced)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(placements);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(enforced);
        var errors = new List<string>();
        ValidatePlacements(model, placements, errors);
        ValidatePolicies(policies, errors);
        if (errors.Count > 0)
        {
            throw new PolicyCompileException(errors);
        }

        if (!enforced.Ingress && !enforced.Egress)
        {
            return [];
        }

        var placed = placements.Select(p => new PlacedPod(p, PodOf(model, p))).ToList();
        var addressed = placed.Select(p => p.Pod).ToList();
        var resolved = policies.Select(p => ResolvedPolicy.Resolve(p, model)).ToList();
        var chainNames = ChainSuffixes(placed);
        var scripts = new List<NftNodeScript>();
        foreach (var node in placed.GroupBy(p => p.Placement.NodeNamespace, StringComparer.Ordinal))
        {
            var text = new StringBuilder();
            text.Append(ClearScript);
            text.Append("table inet ").Append(Table).Append(" {\n");
            var jumps = new List<string>();
            var chains = new StringBuilder();
            foreach (var direction in new[] { Direction.Egress, Direction.Ingress })
            {
                if (!(direction == Direction.Ingress ? enforced.Ingress : enforced.Egress))
                {
                    continue;
                }

                foreach (var pod in node)
                {
                    var selecting = resolved.Where(p => p.Affects(direction) && p.Selects(pod.Pod)).ToList();
                    if (selecting.Count == 0)
                    {
                        continue;
                    }

                    var chain = (direction == Direction.Ingress ? "ingress_" : "egress_") + chainNames[pod.Placement.PodId];
                    var field = direction == Direction.Ingress ? "daddr" : "saddr";
                    var address = AddressRange.Single(pod.Pod.Ip!);
                    jumps.Add($"{FamilyKeyword(address.Family)} {field} {address} jump {chain}");
                    chains.Append("  chain ").Append(chain).Append(" {\n");
                    foreach (var policy in selecting)
                    {
                        var rules = direction == Direction.Ingress ? policy.Ingress : policy.Egress;
                        foreach (var rule in rules)
                        {
                            foreach (var line in RuleLines(policy, rule, direction, pod.Pod, addressed))
                            {
                                chains.Append("    ").Append(line).Append('\n');
                            }
                        }
                    }

                    chains.Append("    drop\n  }\n");
                }
            }

            text.Append("  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
            if (jumps.Count > 0)
            {
                text.Append("    ct state established,related accept\n");
                foreach (var jump in jumps)
                {
                    text.Append("    ").Append(jump).Append('\n');
                }
            }

            text.Append("  }\n").Append(chains).Append("}\n");
            scripts.Add(new NftNodeScript(node.Key, text.ToString()));
        }

        return scripts;
    }

    /// <summary>The nft rules (each ending in <c>return</c>) for one NetworkPolicy rule guarding <paramref name="self"/>.</summary>
    private static IEnumerable<string> RuleLines(ResolvedPolicy policy, ResolvedRule rule, Direction direction, PodModel self, IReadOnlyList<PodModel> addressed)
    {
        var comment = Comment(policy.Id + " " + rule.Path);
        var field = direction == Direction.Ingress ? "saddr" : "daddr";
        IReadOnlyList<string> addressMatches = rule.Peers is null ? [""] : AddressMatches(rule.Peers, field);
        if (rule.Ports is null)
        {
            return addressMatches.Select(a => Join(a, "return", comment));
        }

        var lines = new List<string>();
        var byProtocol = new SortedDictionary<NetpolProtocol, List<(int First, int Last)>?>();
        var namedTargets = new SortedSet<(AddressFamily Family, NetpolProtocol Protocol, AddressRange Address, int Port)>(NamedTargetComparer.Instance);
        foreach (var port in rule.Ports)
        {
            if (port.Name is null)
            {
                AddPorts(byProtocol, port.Protocol, port.First is { } first ? (first, port.Last ?? first) : null);
            }
            else if (direction == Direction.Ingress)
            {
                // An ingress named port is the selected pod's own container port.
                foreach (var served in self.Ports.Where(p => p.Name == port.Name && p.Protocol == port.Protocol))
                {
                    AddPorts(byProtocol, port.Protocol, (served.Port, served.Port));
                }
            }
            else
            {
                // An egress named port means each peer pod's own port of that name: address . port pairs.
                foreach (var peer in addressed.Where(p => rule.Peers is null || rule.Peers.Contains(p.Ip!)))
                {
                    foreach (var served in peer.Ports.Where(p => p.Name == port.Name && p.Protocol == port.Protocol))
                    {
                        var address = AddressRange.Single(peer.Ip!);
                        namedTargets.Add((address.Family, port.Protocol, address, served.Port));
                    }
                }
            }
        }

        foreach (var (protocol, ranges) in byProtocol)
        {
            var keyword = Keyword(protocol);
            var portMatch = ranges is null ? "meta l4proto " + keyword : keyword + " dport " + Elements(MergePorts(ranges).Select(FormatPorts));
            lines.AddRange(addressMatches.Select(a => Join(a, portMatch, "return", comment)));
        }

        foreach (var group in namedTargets.GroupBy(t => (t.Family, t.Protocol)))
        {
            var elements = group.Select(t => t.Address + " . " + t.Port.ToString(CultureInfo.InvariantCulture));
            lines.Add(Join($"{FamilyKeyword(group.Key.Family)} {field} . {Keyword(group.Key.Protocol)} dport {{ {string.Join(", ", elements)} }}", "return", comment));
        }

        return lines;
    }

    /// <summary>One match per address family the peers cover; none (the rule admits nobody) when they cover nothing.</summary>
    private static List<string> AddressMatches(AddressSet peers, string field)
    {
        var matches = new List<string>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var ranges = peers.Of(family);
            if (ranges.Count > 0)
            {
                matches.Add($"{FamilyKeyword(family)} {field} {Elements(ranges.Select(r => r.ToString()))}");
            }
        }

        return matches;
    }

    /// <summary>Null ranges mean every port of the protocol, which absorbs any specific port.</summary>
    private static void AddPorts(SortedDictionary<NetpolProtocol, List<(int First, int Last)>?> byProtocol, NetpolProtocol protocol, (int First, int Last)? range)
    {
        if (range is not { } specific)
        {
            byProtocol[protocol] = null;
            return;
        }

        if (!byProtocol.TryGetValue(protocol, out var ranges))
        {
            byProtocol[protocol] = [specific];
        }
        else
        {
            ranges?.Add(specific);
        }
    }

    /// <summary>Sorted, overlapping ranges merged: nft rejects overlapping elements in some set types.</summary>
    private static List<(int First, int Last)> MergePorts(List<(int First, int Last)> ranges)
    {
        var merged = new List<(int First, int Last)>();
        foreach (var range in ranges.Order())
        {
            if (merged.Count > 0 && range.First <= merged[^1].Last)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, range.Last));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    private static string FormatPorts((int First, int Last) range) => range.First == range.Last
        ? range.First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{range.First}-{range.Last}");

    private static string Elements(IEnumerable<string> elements)
    {
        var list = elements.ToList();
        return list.Count == 1 ? list[0] : "{ " + string.Join(", ", list) + " }";
    }

    private static string Join(params string[] parts) => string.Join(' ', parts.Where(p => p.Length > 0));

    private static string Comment(string text)
    {
        var clean = new string([.. text.Where(c => c is not ('"' or '\\') && !char.IsControl(c))]);
        return "comment \"" + (clean.Length > MaxCommentLength ? clean[..MaxCommentLength] : clean) + "\"";
    }

    private static string Keyword(NetpolProtocol protocol) => protocol.ToWire().ToLowerInvariant();

    private static string FamilyKeyword(AddressFamily family) => family == AddressFamily.InterNetwork ? "ip" : "ip6";

    private static PodModel PodOf(ClusterModel model, PodPlacement placement) =>
        model.TryGetPodIndex(placement.PodId, out var index) ? model.Pods[index] : throw new InvalidOperationException("validated above");

    /// <summary>Readable chain names (<c>x_a</c> for pod x/a), made unique if sanitising ever makes two alike.</summary>
    private static Dictionary<string, string> ChainSuffixes(IEnumerable<PlacedPod> placed)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var pod in placed)
        {
            var name = ChainUnsafe().Replace(pod.Pod.Namespace + "_" + pod.Pod.Name, "_");
            name = name.Length > 200 ? name[..200] : name;
            while (!taken.Add(name))
            {
                name += "_" + (++n).ToString(CultureInfo.InvariantCulture);
            }

            names[pod.Placement.PodId] = name;
        }

        return names;
    }

    private static void ValidatePlacements(ClusterModel model, IReadOnlyList<PodPlacement> placements, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var devices = new HashSet<(string, string)>();
        foreach (var placement in placements)
        {
            if (!model.TryGetPodIndex(placement.PodId, out var index))
            {
                errors.Add($"placement for pod '{placement.PodId}', which the model does not have");
                continue;
            }

            if (!seen.Add(placement.PodId))
            {
                errors.Add($"pod {placement.PodId} is placed more than once");
            }

            if (model.Pods[index].Ip is null)
            {
                errors.Add($"pod {placement.PodId} is placed but has no IP: rules match pods by address");
            }

            if (!NamespaceName().IsMatch(placement.NodeNamespace ?? ""))
            {
                errors.Add($"pod {placement.PodId}: '{placement.NodeNamespace}' is not a network namespace name");
            }

            if (!InterfaceName().IsMatch(placement.HostVeth ?? ""))
            {
                errors.Add($"pod {placement.PodId}: '{placement.HostVeth}' is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
            }
            else if (!devices.Add((placement.NodeNamespace ?? "", placement.HostVeth!)))
            {
                errors.Add($"pod {placement.PodId}: {placement.NodeNamespace} {placement.HostVeth} already carries another pod");
            }
        }

        foreach (var pod in model.Pods.Where(p => p.Ip is not null && !seen.Contains(p.Id)))
        {
            errors.Add($"pod {pod.Id} ({pod.Ip}) has no placement: its traffic could not be policed");
        }
    }

    private static void ValidatePolicies(IReadOnlyList<V1NetworkPolicy> policies, List<string> errors)
    {
        foreach (var policy in policies)
        {
            if (policy is null)
            {
                errors.Add("a policy is null");
                continue;
            }

            var id = policy.Metadata?.NamespaceProperty + "/" + policy.Metadata?.Name;
            errors.AddRange(PolicyValidator.Validate(policy).Select(v => $"policy {id}: {v.Field}: {v.Message}"));
            var blocks = (policy.Spec?.Ingress ?? []).SelectMany(r => r?.FromProperty ?? []).Concat((policy.Spec?.Egress ?? []).SelectMany(r => r?.To ?? []))
                .Select(p => p?.IpBlock).OfType<V1IPBlock>();
            errors.AddRange(blocks.SelectMany(b => (b.Except ?? []).Prepend(b.Cidr)).Where(IpBlockPlaceholders.IsPlaceholder)
                .Select(text => $"policy {id}: ipBlock placeholder {text} was not resolved on the lab's address plan"));
        }
    }

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex ChainUnsafe();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")]
    private static partial Regex InterfaceName();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,255}$")]
    private static partial Regex NamespaceName();

    private sealed record PlacedPod(PodPlacement Placement, PodModel Pod);

    private sealed class NamedTargetComparer : IComparer<(AddressFamily Family, NetpolProtocol Protocol, AddressRange Address, int Port)>
    {
        public static readonly NamedTargetComparer Instance = new();

        public int Compare((AddressFamily Family, NetpolProtocol Protocol, AddressRange Address, int Port) x, (AddressFamily Family, NetpolProtocol Protocol, AddressRange Address, int Port) y)
        {
            var c = x.Family.CompareTo(y.Family);
            c = c != 0 ? c : x.Protocol.CompareTo(y.Protocol);
            c = c != 0 ? c : x.Address.First.CompareTo(y.Address.First);
            return c != 0 ? c : x.Port.CompareTo(y.Port);
        }
    }
}

internal enum Direction
{
    Ingress,
    Egress,
}
