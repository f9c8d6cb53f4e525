namespace CniBench.Workloads.Mtu;

/// <summary>The probes a search made and what they add up to.</summary>
public sealed record PathMtuSearchResult(IReadOnlyList<PingProbe> Probes)
{
    /// <summary>The largest packet that got a reply; null when none did.</summary>
    public int? PathMtuBytes => Probes.Where(p => p.Verdict == ProbeVerdict.Reply).Select(p => (int?)p.PacketBytes).Max();

    /// <summary>The probe that stopped the search because ping itself failed, if any.</summary>
    public PingProbe? Error => Probes.FirstOrDefault(p => p.Verdict == ProbeVerdict.Error);

    /// <summary>False only if the probe budget ran out before the answer was pinned to one size.</summary>
    public bool Converged { get; init; } = true;
}

/// <summary>
/// Finds the largest IPv4 packet with DF set that crosses a path, between <see cref="MinPacketBytes"/> and
/// <see cref="MaxPacketBytes"/>, in at most <see cref="MaxProbes"/> probes.
/// </summary>
/// <remarks>
/// Only "got a reply" is trusted. In a netns lab an oversized DF packet headed into a VXLAN tunnel is
/// dropped silently or answered with ICMP "Frag needed" depending on where on the path it is too big, and a
/// veth peer with a smaller MTU drops it with no answer at all; each of these is just "no reply" here, so the
/// answer never depends on which one the path does. A lost reply can only make the result smaller, never larger.
/// The first guess is the client interface's own MTU, because on a healthy path that is the answer and two
/// probes confirm it; the binary search covers the rest of the range.
/// </remarks>
public static class PathMtuSearch
{
    /// <summary>The IPv4 minimum every host must accept (RFC 791).</summary>
    public const int MinPacketBytes = 576;

    /// <summary>The largest jumbo frame in common use; nothing above is worth probing.</summary>
    public const int MaxPacketBytes = 9216;

    /// <summary>Guess, guess + 1, then ⌈log2(9216 − 576 + 1)⌉ = 14 halvings; the proof is in the tests.</summary>
    public const int MaxProbes = 16;

    public static async Task<PathMtuSearchResult> RunAsync(
        int interfaceMtu,
        Func<int, CancellationToken, Task<PingProbe>> probe,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var probes = new List<PingProbe>();

        async Task<ProbeVerdict> ProbeAsync(int packetBytes)
        {
            var result = await probe(packetBytes, cancellationToken);
            probes.Add(result);
            return result.Verdict;
        }

        // Invariant: `largest` got a reply; `smallestFailed` did not, or is one past the range (never probed).
        int largest, smallestFailed;
        var guess = Math.Clamp(interfaceMtu, MinPacketBytes, MaxPacketBytes);
        switch (await ProbeAsync(guess))
        {
            case ProbeVerdict.Error:
                return new PathMtuSearchResult(probes);
            case ProbeVerdict.Reply:
                largest = guess;
                smallestFailed = MaxPacketBytes + 1;
                if (guess < MaxPacketBytes)
                {
                    switch (await ProbeAsync(guess + 1))
                    {
                        case ProbeVerdict.Error:
                            return new PathMtuSearchResult(probes);
                        case ProbeVerdict.Reply:
                            largest = guess + 1;
                            break;
                        default:
                            smallestFailed = guess + 1;
                            break;
                    }
                }

                break;
            default:
                smallestFailed = guess;
                if (guess == MinPacketBytes || await ProbeAsync(MinPacketBytes) != ProbeVerdict.Reply)
                {
                    return new PathMtuSearchResult(probes);
                }

                largest = MinPacketBytes;
                break;
        }

        while (smallestFailed - largest > 1 && probes.Count < MaxProbes)
        {
            var middle = largest + ((smallestFailed - largest) / 2);
            switch (await ProbeAsync(middle))
            {
                case ProbeVerdict.Error:
                    return new PathMtuSearchResult(probes);
                case ProbeVerdict.Reply:
                    largest = middle;
                    break;
                default:
                    smallestFailed = middle;
                    break;
            }
        }

        return new PathMtuSearchResult(probes) { Converged = smallestFailed - largest <= 1 };
    }
}
