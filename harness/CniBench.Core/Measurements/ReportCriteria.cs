namespace CniBench.Core.Measurements;

/// <summary>Summary-matrix criteria ids (the columns of the report's summary matrix), each fed as its kinds declare.</summary>
public static class ReportCriteria
{
    public const string TcpThroughput = "tcp-throughput";
    public const string UdpThroughput = "udp-throughput";
    public const string Http = "http";
    public const string EncryptedThroughput = "encrypted-throughput";
    public const string CpuPerGbit = "cpu-per-gbit";
    public const string PolicyIngress = "policy-ingress";
    public const string PolicyEgress = "policy-egress";
    public const string EncryptionVerified = "encryption-verified";
    public const string Mtu = "mtu";
    public const string RrLatency = "rr-latency";
    public const string CrrRate = "crr-rate";
}
