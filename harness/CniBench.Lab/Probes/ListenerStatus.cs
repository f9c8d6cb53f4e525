using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Probes;

/// <summary>One listener the engine was asked for: serving, or why not (e.g. no SCTP in the kernel).</summary>
public sealed record ListenerStatus(string Pod, int Port, NetpolProtocol Protocol, bool Listening, string? Detail = null);
