using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CniBench.Lab.Policy;

/// <summary>An inclusive range of addresses of one family, held as integers so blocks can be subtracted.</summary>
internal readonly record struct AddressRange(AddressFamily Family, UInt128 First, UInt128 Last)
{
    public static AddressRange Single(IPAddress address)
    {
        var value = ToInteger(address);
        return new AddressRange(address.AddressFamily, value, value);
    }

    /// <summary>
    /// Parses an ipBlock CIDR. Host bits after the prefix are masked away, as the API server historically
    /// accepted them (and as the oracle reads them).
    /// </summary>
    public static bool TryParseCidr(string? text, out AddressRange range)
    {
        range = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0
            || !IPAddress.TryParse(text![..slash], out var address)
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var bits = Bits(address.AddressFamily);
        if (prefix > bits)
        {
            return false;
        }

        var hostMask = prefix == 0 ? AllOnes(bits) : (UInt128.One << (bits - prefix)) - 1;
        var value = ToInteger(address);
        range = new AddressRange(address.AddressFamily, value & ~hostMask, (value & ~hostMask) | hostMask);
        return true;
    }

    public static AddressRange ParseCidr(string? text) =>
        TryParseCidr(text, out var range) ? range : throw new FormatException($"'{text}' is not a valid CIDR");

    /// <summary>nft element syntax: an address, a prefix when the range is exactly one block, otherwise first-last.</summary>
    public override string ToString()
    {
        if (First == Last)
        {
            return Format(First);
        }

        var size = Last - First + 1;
        var bits = Bits(Family);
        var isWholeSpace = First == 0 && Last == AllOnes(bits);
        if (isWholeSpace)
        {
            return Format(First) + "/0";
        }

        if (UInt128.IsPow2(size) && (First & (size - 1)) == 0)
        {
            var prefix = bits - (int)UInt128.Log2(size);
            return Format(First) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
        }

        return Format(First) + "-" + Format(Last);
    }

    private string Format(UInt128 value)
    {
        var length = Family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes).ToString();
    }

    private static UInt128 ToInteger(IPAddress address)
    {
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static int Bits(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    private static UInt128 AllOnes(int bits) => bits == 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;
}

/// <summary>
/// Addresses as sorted, non-overlapping ranges per family, the shape an nft interval set wants. Ranges that
/// only touch are kept apart so single pod addresses stay readable.
/// </summary>
internal sealed class AddressSet
{
    private readonly List<AddressRange> _ranges = [];

    public bool IsEmpty => _ranges.Count == 0;

    public void Add(AddressRange range)
    {
        _ranges.Add(range);
        Normalize();
    }

    public void UnionWith(AddressSet other)
    {
        _ranges.AddRange(other._ranges);
        Normalize();
    }

    /// <summary>Removes <paramref name="hole"/> (an ipBlock except) from every range it overlaps.</summary>
    public void Remove(AddressRange hole)
    {
        var kept = new List<AddressRange>();
        foreach (var range in _ranges)
        {
            if (range.Family != hole.Family || hole.Last < range.First || hole.First > range.Last)
            {
                kept.Add(range);
                continue;
            }

            if (hole.First > range.First)
            {
                kept.Add(range with { Last = hole.First - 1 });
            }

            if (hole.Last < range.Last)
            {
                kept.Add(range with { First = hole.Last + 1 });
            }
        }

        _ranges.Clear();
        _ranges.AddRange(kept);
    }

    public IReadOnlyList<AddressRange> Of(AddressFamily family) => [.. _ranges.Where(r => r.Family == family)];

    public bool Contains(IPAddress address)
    {
        var single = AddressRange.Single(address);
        return _ranges.Any(r => r.Family == single.Family && r.First <= single.First && single.Last <= r.Last);
    }

    private void Normalize()
    {
        _ranges.Sort((a, b) => a.Family != b.Family ? a.Family.CompareTo(b.Family) : a.First.CompareTo(b.First));
        var merged = new List<AddressRange>();
        foreach (var range in _ranges)
        {
            if (merged.Count > 0 && merged[^1] is var last && last.Family == range.Family && range.First <= last.Last)
            {
                merged[^1] = last with { Last = UInt128.Max(last.Last, range.Last) };
            }
            else
            {
                merged.Add(range);
            }
        }

        _ranges.Clear();
        _ranges.AddRange(merged);
    }
}
