using System.Globalization;
using System.Security.Cryptography;

namespace CniBench.Lab;

/// <summary>
/// IPsec between lab nodes through the kernel's xfrm: ESP in transport mode with AES-GCM (rfc4106, 128-bit ICV), a
/// security association per direction of every node pair, and policies that require it for all traffic between
/// node addresses — so the CNI's own tunnel (VXLAN for cilium and weave) runs inside ESP, as theirs does.
/// Keys are fresh per lab, live only in this process's memory and in the kernel, and reach <c>ip</c> on standard
/// input, never on a command line; a failing line is not echoed into errors (<see cref="LabBatch.Secret"/>).
/// </summary>
internal static class LabIpsec
{
    /// <summary>What the lab records as <c>implementation</c>.</summary>
    public const string Implementation = "kernel xfrm: ESP transport mode, rfc4106(gcm(aes)) 128-bit key";

    /// <summary>AES-128 key plus the 4-byte salt rfc4106 takes with it.</summary>
    private const int KeyBytes = 20;

    /// <summary>The security association from node <see cref="From"/> to node <see cref="To"/> (1-based indexes).</summary>
    public sealed record Association(int From, int To, uint Spi, string KeyHex)
    {
        public override string ToString() => $"{From}->{To} spi 0x{Spi:x}";
    }

    public static IReadOnlyList<Association> NewAssociations(LabBlueprint blueprint) =>
    [
        .. from a in blueprint.Nodes
           from b in blueprint.Nodes
           where a.Index != b.Index
           select new Association(a.Index, b.Index, Spi(a.Index, b.Index), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyBytes))),
    ];

    /// <summary>One batch per node: the associations it takes part in, and its in/out policies toward each peer.</summary>
    public static IReadOnlyList<LabBatch> Batches(LabBlueprint blueprint, IReadOnlyList<Association> associations) =>
    [
        .. blueprint.Nodes.Select(node =>
        {
            var lines = new List<string>();
            foreach (var sa in associations.Where(s => s.From == node.Index || s.To == node.Index))
            {
                var (src, dst) = (blueprint.Nodes[sa.From - 1].Address, blueprint.Nodes[sa.To - 1].Address);
                lines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"xfrm state add src {src} dst {dst} proto esp spi 0x{sa.Spi:x} reqid {sa.Spi} mode transport aead rfc4106(gcm(aes)) 0x{sa.KeyHex} 128"));
            }

            foreach (var peer in blueprint.Nodes.Where(p => p.Index != node.Index))
            {
                var (me, them) = (node.Address, peer.Address);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"xfrm policy add src {me}/32 dst {them}/32 dir out tmpl src {me} dst {them} proto esp reqid {Spi(node.Index, peer.Index)} mode transport"));
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"xfrm policy add src {them}/32 dst {me}/32 dir in tmpl src {them} dst {me} proto esp reqid {Spi(peer.Index, node.Index)} mode transport"));
            }

            return new LabBatch("ip", node.Namespace, lines) { Secret = true };
        }),
    ];

    private static uint Spi(int from, int to) => 0x1000u + ((uint)from << 8) + (uint)to;
}
