using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CniBench.NetworkPolicy.Policies;

/// <summary>
/// An address block as ipBlock writes it. Unlike <see cref="IPNetwork"/> it accepts host bits after the
/// prefix (as the API server historically did) and masks them away.
/// </summary>
internal readonly record struct Cidr(IPAddress Network, int PrefixLength)
{
    public static bool TryParse(string? text, out Cidr cidr)
    {
        cidr = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0
            || !IPAddress.TryParse(text![..slash], out var address)
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            return false;
        }

        cidr = new Cidr(Mask(address, prefix), prefix);
        return true;
    }

    public bool Contains(IPAddress address) =>
        address.AddressFamily == Network.AddressFamily && Mask(address, PrefixLength).Equals(Network);

    public bool StrictlyContains(Cidr other) => other.PrefixLength > PrefixLength && Contains(other.Network);

    public override string ToString() => Network + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
