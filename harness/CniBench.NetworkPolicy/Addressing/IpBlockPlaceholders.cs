using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CniBench.NetworkPolicy.Policies;
using k8s;
using k8s.Models;

namespace CniBench.NetworkPolicy.Addressing;

/// <summary>What a placeholder names.</summary>
public enum PlaceholderKind
{
    /// <summary><c>{{pod ns/name}}</c>: the pod's address as a one-address block (/32, /128).</summary>
    Pod,

    /// <summary><c>{{node-of ns/name}}</c>: the pod range of the node that runs that pod.</summary>
    NodeOf,

    /// <summary><c>{{pod-network}}</c>: the smallest block holding the pod range of every node that runs a model pod.</summary>
    PodNetwork,
}

/// <summary>One placeholder as written; <see cref="Pod"/> is set for the kinds that name a pod.</summary>
public sealed record IpBlockPlaceholder(PlaceholderKind Kind, string? Pod, string Text);

/// <summary>A placeholder and the block it stood for on one cluster, for the raw output.</summary>
public sealed record PlaceholderBinding(string Policy, string Placeholder, string Cidr, string Meaning);

/// <summary>Policies with every placeholder replaced, or why they could not be on this cluster.</summary>
public sealed record PlaceholderResolution(IReadOnlyList<V1NetworkPolicy> Policies, IReadOnlyList<PlaceholderBinding> Bindings, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// ipBlock CIDRs written in model terms. A case cannot write real addresses: the lab, a cluster and
/// <c>netpol expect</c> give the pods different ones, and on a cluster a lab CIDR matches no pod, so the case would
/// pass without exercising ipBlock at all. Instead <c>cidr</c> and each <c>except</c> entry may be one placeholder:
/// <c>{{pod y/b}}</c>, <c>{{node-of x/b}}</c> or <c>{{pod-network}}</c>. The model has no nodes (on a cluster the
/// scheduler places pods), so a node is named by a pod it runs. The policy loader checks the syntax; resolution against
/// an <see cref="AddressPlan"/> happens per cluster, after which the API's own checks (except a strict subset of cidr)
/// run on the real blocks.
/// </summary>
public static partial class IpBlockPlaceholders
{
    public static bool IsPlaceholder(string? text) => text?.StartsWith("{{", StringComparison.Ordinal) == true;

    /// <summary>Parses one placeholder; the error says what is allowed.</summary>
    public static bool TryParse(string text, out IpBlockPlaceholder placeholder, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        placeholder = null!;
        error = "";
        var match = Syntax().Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is not a placeholder: write {{{{pod <ns>/<pod>}}}}, {{{{node-of <ns>/<pod>}}}} or {{{{pod-network}}}}";
            return false;
        }

        var pod = match.Groups["pod"].Success ? match.Groups["pod"].Value : null;
        var kind = match.Groups["kind"].Value switch
        {
            "pod" => PlaceholderKind.Pod,
            "node-of" => PlaceholderKind.NodeOf,
            _ => PlaceholderKind.PodNetwork,
        };
        if ((kind == PlaceholderKind.PodNetwork) != (pod is null))
        {
            error = kind == PlaceholderKind.PodNetwork
                ? $"'{text}': pod-network takes no pod"
                : $"'{text}': {match.Groups["kind"].Value} needs a pod, written <ns>/<pod>";
            return false;
        }

        placeholder = new IpBlockPlaceholder(kind, pod, text);
        return true;
    }

    /// <summary>Every policy with its placeholders replaced by blocks of <paramref name="plan"/>, revalidated as the API would.</summary>
    public static PlaceholderResolution Resolve(IReadOnlyList<V1NetworkPolicy> policies, AddressPlan plan)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(plan);
        var resolved = new List<V1NetworkPolicy>(policies.Count);
        var bindings = new List<PlaceholderBinding>();
        var errors = new List<string>();
        foreach (var policy in policies)
        {
            var id = policy.Metadata?.NamespaceProperty + "/" + policy.Metadata?.Name;
            var blocks = Blocks(policy).ToList();
            if (!blocks.Any(b => IsPlaceholder(b.Cidr) || (b.Except ?? []).Any(IsPlaceholder)))
            {
                resolved.Add(policy);
                continue;
            }

            // A copy, so the case as loaded keeps its placeholders for the next cluster.
            var copy = KubernetesJson.Deserialize<V1NetworkPolicy>(KubernetesJson.Serialize(policy));
            var before = errors.Count;
            foreach (var block in Blocks(copy))
            {
                block.Cidr = Substitute(block.Cidr, id, plan, bindings, errors);
                if (block.Except is { } excepts)
                {
                    block.Except = [.. excepts.Select(e => Substitute(e, id, plan, bindings, errors))];
                }
            }

            if (errors.Count == before)
            {
                errors.AddRange(PolicyValidator.Validate(copy).Select(v => $"{id} {v.Field}: {v.Message} (after resolving its placeholders on this cluster)"));
            }

            resolved.Add(copy);
        }

        return new PlaceholderResolution(errors.Count == 0 ? resolved : [], bindings, errors);
    }

    private static IEnumerable<V1IPBlock> Blocks(V1NetworkPolicy policy) =>
        (policy.Spec?.Ingress ?? []).SelectMany(r => r?.FromProperty ?? [])
            .Concat((policy.Spec?.Egress ?? []).SelectMany(r => r?.To ?? []))
            .Select(p => p?.IpBlock)
            .OfType<V1IPBlock>();

    private static string Substitute(string text, string policy, AddressPlan plan, List<PlaceholderBinding> bindings, List<string> errors)
    {
        if (!IsPlaceholder(text))
        {
            return text;
        }

        if (!TryParse(text, out var placeholder, out var syntax))
        {
            errors.Add($"{policy}: {syntax}");
            return text;
        }

        var (network, meaning, error) = placeholder.Kind switch
        {
            PlaceholderKind.Pod => PodBlock(placeholder.Pod!, plan),
            PlaceholderKind.NodeOf => NodeBlock(placeholder.Pod!, plan),
            _ => PodNetworkBlock(plan),
        };
        if (error is not null)
        {
            errors.Add($"{policy}: {text}: {error}");
            return text;
        }

        var cidr = network!.Value.ToString();
        bindings.Add(new PlaceholderBinding(policy, text, cidr, meaning!));
        return cidr;
    }

    private static (IPNetwork?, string?, string?) PodBlock(string pod, AddressPlan plan) =>
        plan.TryGetPodAddress(pod, out var address)
            ? (new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), $"the address of pod {pod}", null)
            : (null, null, $"pod {pod} is not a pod of the deployed model");

    private static (IPNetwork?, string?, string?) NodeBlock(string pod, AddressPlan plan)
    {
        if (!plan.TryGetPodAddress(pod, out var address))
        {
            return (null, null, $"pod {pod} is not a pod of the deployed model");
        }

        if (!plan.PodNodes.TryGetValue(pod, out var node))
        {
            return (null, null, $"this cluster does not say which node runs pod {pod}");
        }

        var ranges = plan.NodeRanges.GetValueOrDefault(node) ?? [];
        foreach (var range in ranges.Where(r => r.Contains(address)))
        {
            return (range, $"the pod range of node {node}, which runs {pod}", null);
        }

        // Calico and Cilium allocate from their own IPAM blocks, not Node.spec.podCIDR: there is then no node range
        // that means "this node's pods", and guessing one would test something other than the case says.
        return (null, null, ranges.Count == 0
            ? $"node {node} (running {pod}) has no pod range (Node.spec.podCIDRs is empty)"
            : $"node {node}'s pod ranges ({string.Join(", ", ranges)}) do not hold pod {pod}'s address {address}: this CNI's IPAM does not allocate from the node's pod range");
    }

    private static (IPNetwork?, string?, string?) PodNetworkBlock(AddressPlan plan)
    {
        var family = plan.Pods.Values.FirstOrDefault()?.AddressFamily ?? AddressFamily.InterNetwork;
        var nodes = plan.PodNodes.Values.ToHashSet(StringComparer.Ordinal);
        var blocks = plan.NodeRanges.Where(n => nodes.Contains(n.Key)).SelectMany(n => n.Value).Where(r => r.BaseAddress.AddressFamily == family)
            .Concat(plan.Pods.Values.Where(a => a.AddressFamily == family).Select(a => new IPNetwork(a, family == AddressFamily.InterNetwork ? 32 : 128)))
            .ToList();
        return blocks.Count == 0
            ? (null, null, "the deployed model has no pod addresses")
            : (Covering(blocks), "the smallest block holding every model pod's node range and address", null);
    }

    /// <summary>The longest prefix that contains every block.</summary>
    private static IPNetwork Covering(List<IPNetwork> blocks)
    {
        var first = blocks[0].BaseAddress.GetAddressBytes();
        var prefix = blocks.Min(b => b.PrefixLength);
        foreach (var block in blocks.Skip(1))
        {
            var other = block.BaseAddress.GetAddressBytes();
            var common = 0;
            while (common < prefix && Bit(first, common) == Bit(other, common))
            {
                common++;
            }

            prefix = common;
        }

        for (var bit = prefix; bit < first.Length * 8; bit++)
        {
            first[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(first), prefix);
    }

    private static int Bit(byte[] bytes, int bit) => (bytes[bit / 8] >> (7 - (bit % 8))) & 1;

    [GeneratedRegex(@"^\{\{(?<kind>pod|node-of|pod-network)(?: (?<pod>[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?))?\}\}$")]
    private static partial Regex Syntax();
}
