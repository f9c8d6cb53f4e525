using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Http;

/// <summary>What the <c>http</c> test varies: payloads × connection modes × load modes, with wrk's load shape.</summary>
public sealed record HttpTestSpec : TestSettings
{
    public const string KeepAlive = "keepalive";
    public const string Close = "close";
    public const string Saturation = "saturation";
    public const string FixedRate = "fixed-rate";

    public static IReadOnlyList<string> ConnectionModeNames { get; } = [KeepAlive, Close];

    public static IReadOnlyList<string> LoadModeNames { get; } = [Saturation, FixedRate];

    /// <summary>Response body sizes in bytes; each is one payload file the server serves.</summary>
    public IReadOnlyList<long> PayloadsBytes { get; init; } = [1024, 100 * 1024];

    /// <summary>Open connections wrk keeps (<c>-c</c>).</summary>
    public int Connections { get; init; } = 32;

    /// <summary>wrk threads (<c>-t</c>); never more than connections.</summary>
    public int Threads { get; init; } = 2;

    /// <summary><c>keepalive</c> reuses connections; <c>close</c> opens a new one per request.</summary>
    public IReadOnlyList<string> ConnectionModes { get; init; } = [KeepAlive, Close];

    /// <summary><c>saturation</c> (maximum rate) and <c>fixed-rate</c> (latency at half the saturation rate).</summary>
    public IReadOnlyList<string> LoadModes { get; init; } = [Saturation, FixedRate];

    /// <summary>
    /// Payload × connection mode × load mode, e.g. <c>1KiB-keepalive-saturation</c>. Each saturation variant comes
    /// before its fixed-rate twin, so within a repetition the fixed-rate run finds the saturation figure it halves.
    /// </summary>
    public override IReadOnlyList<TestVariant> Variants() =>
    [
        .. from payload in PayloadsBytes
           from connection in ConnectionModes
           from mode in LoadModes.OrderBy(m => m == Saturation ? 0 : 1)
           select new TestVariant($"{Quantities.FormatSize(payload)}-{connection}-{mode}", Connections)
           {
               Parameters = new HttpVariant(payload, connection, mode),
           },
    ];
}

/// <summary>One http variant: which payload, whether connections are reused, and saturation or fixed rate.</summary>
public sealed record HttpVariant(long PayloadBytes, string ConnectionMode, string LoadMode);
