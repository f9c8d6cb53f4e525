namespace CniBench.Lab.Capture;

/// <summary>The plaintext a workload puts on the wire on purpose, so a capture can tell cleartext from ciphertext.</summary>
public static class WireMarker
{
    /// <summary>
    /// 20 bytes of what iperf3 3.12 sends with <c>--repeating-payload</c>: the ASCII digits 0-9 over and over
    /// (checked by capturing it). Twenty bytes starting at a '0' occur in any payload of 29 bytes or more,
    /// whatever the segment's offset into the pattern, and are vanishingly unlikely in random or encrypted bytes.
    /// </summary>
    public static ReadOnlySpan<byte> Iperf3RepeatingPayload => "01234567890123456789"u8;

    /// <summary>Whether <paramref name="marker"/> occurs anywhere in <paramref name="frame"/>; an empty marker never does.</summary>
    public static bool OccursIn(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> marker) =>
        !marker.IsEmpty && frame.IndexOf(marker) >= 0;
}
