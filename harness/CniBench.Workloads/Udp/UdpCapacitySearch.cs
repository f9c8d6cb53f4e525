using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Udp;

/// <summary>What one probe of the search saw: the rate offered, what arrived, and the loss the receiver counted.</summary>
public sealed record UdpProbe(long OfferedBps, double ReceivedBps, double LostPercent, double JitterMs, string? RawFile);

/// <summary>
/// Finds the highest offered UDP rate whose loss stays under the bound: the path's capacity, which a fixed offered rate
/// cannot show (below capacity every path scores 100%, above it the host's load decides). The first probe offers the
/// ceiling; what arrived then is where the search looks next; from a rate that kept loss under the bound it steps up
/// by a quarter while the bracket is wide, then halves the bracket between the highest rate that kept loss under the
/// bound and the lowest that did not. Bounded: at most <see cref="UdpCapacitySpec.MaxProbes"/>
/// probes, and it stops once the bracket is narrower than <see cref="UdpCapacitySpec.Precision"/> of its top.
/// Pure: the probe itself is a delegate, so the search is tested without a network.
/// </summary>
public static class UdpCapacitySearch
{
    /// <summary>Offered rates below this are not tried: they would say nothing about a datapath (1 Mbit/s).</summary>
    public const long FloorBps = 1_000_000;

    public static async Task<TestOutcome> RunAsync(
        UdpCapacitySpec spec, Func<long, int, CancellationToken, Task<(UdpProbe? Probe, TestOutcome? Failure)>> probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(probe);
        UdpProbe? best = null;
        long low = 0, high = spec.CeilingBps;
        var offered = spec.CeilingBps;
        var probes = new List<UdpProbe>();
        for (var i = 0; i < spec.MaxProbes; i++)
        {
            var (result, failure) = await probe(offered, i + 1, cancellationToken);
            if (result is null)
            {
                return failure ?? TestOutcome.Failed($"udp capacity probe {(i + 1).ToString(CultureInfo.InvariantCulture)} at {Quantities.FormatBitrate(offered)} failed");
            }

            probes.Add(result);
            if (result.LostPercent <= spec.LossBoundPercent)
            {
                best = result;
                low = offered;
                if (offered >= spec.CeilingBps)
                {
                    break; // Nothing higher can be offered: the path carried the ceiling.
                }
            }
            else
            {
                high = offered;
            }

            if (high - low <= high * spec.Precision)
            {
                break;
            }

            // After an overloaded first probe, what arrived is the best guess at capacity. While the bracket is wide
            // (its top still the ceiling), step up from a good rate by a quarter rather than halve towards the ceiling.
            var next = best is null && i == 0 ? (long)(result.ReceivedBps * 0.95)
                : best is not null && high > 2 * low ? (long)(low * 1.25)
                : low + ((high - low) / 2);
            // No rate left between the floor (or the best so far) and the lowest lossy one: nothing more to try.
            var lowest = Math.Max(low + 1, FloorBps);
            if (lowest > high - 1)
            {
                break;
            }

            offered = Math.Clamp(next, lowest, high - 1);
        }

        if (best is null)
        {
            var lowest = probes.MinBy(p => p.OfferedBps)!;
            return TestOutcome.Failed(
                $"udp loss stayed above {Percent(spec.LossBoundPercent)} at every offered rate tried ({probes.Count.ToString(CultureInfo.InvariantCulture)} probes, " +
                $"down to {Quantities.FormatBitrate(lowest.OfferedBps)}, which lost {Percent(lowest.LostPercent)})",
                lowest.RawFile);
        }

        return TestOutcome.Ok(
            [
                new Observation(Metrics.UdpCapacityBps, best.ReceivedBps, Metrics.BitsPerSecond),
                new Observation(UdpMetrics.UdpCapacityOfferedBps, best.OfferedBps, Metrics.BitsPerSecond),
                new Observation(UdpMetrics.UdpCapacityProbes, probes.Count, Metrics.Count),
                new Observation(Metrics.LostPercent, best.LostPercent, Metrics.Percent),
                new Observation(Metrics.JitterMs, best.JitterMs, Metrics.Milliseconds),
            ],
            best.RawFile);
    }

    private static string Percent(double value) => value.ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
