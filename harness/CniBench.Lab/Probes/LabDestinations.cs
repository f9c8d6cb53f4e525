using System.Net;
using System.Net.Sockets;

namespace CniBench.Lab.Probes;

/// <summary>The only addresses a lab probe may be sent to: 198.18.0.0/15, the benchmarking range the lab lives in.</summary>
public static class LabDestinations
{
    public static bool IsLabAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        _ = address.TryWriteBytes(bytes, out _);
        return bytes[0] == 198 && (bytes[1] & 0xFE) == 18;
    }
}
