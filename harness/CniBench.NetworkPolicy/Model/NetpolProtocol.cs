namespace CniBench.NetworkPolicy.Model;

/// <summary>The protocols a NetworkPolicy port can name.</summary>
public enum NetpolProtocol
{
    Tcp,
    Udp,
    Sctp,
}

public static class NetpolProtocols
{
    /// <summary>The spelling the Kubernetes API uses (TCP, UDP, SCTP).</summary>
    public static string ToWire(this NetpolProtocol protocol) => protocol switch
    {
        NetpolProtocol.Tcp => "TCP",
        NetpolProtocol.Udp => "UDP",
        NetpolProtocol.Sctp => "SCTP",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>Parses the API spelling; the API is case-sensitive, and so is this.</summary>
    public static bool TryParse(string? text, out NetpolProtocol protocol)
    {
        switch (text)
        {
            case "TCP":
                protocol = NetpolProtocol.Tcp;
                return true;
            case "UDP":
                protocol = NetpolProtocol.Udp;
                return true;
            case "SCTP":
                protocol = NetpolProtocol.Sctp;
                return true;
            default:
                protocol = default;
                return false;
        }
    }
}
