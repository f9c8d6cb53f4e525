using CniBench.Core.Kinds;

namespace CniBench.Workloads.Http;

/// <summary>What an http and an ingress test entry share: wrk takes whole seconds (-d), connections and threads.</summary>
internal static class WrkEntry
{
    /// <summary>The tool a whole-seconds duration is for, in messages.</summary>
    public const string DurationOption = "wrk's -d";

    /// <summary><c>connections</c> (wrk's -c) and <c>threads</c> (-t), never more threads than connections.</summary>
    public static (int Connections, int Threads) ReadLoad(TestReader reader, int defaultConnections, int defaultThreads)
    {
        var map = reader.Map;
        var connections = map.Int("connections", required: false, min: 1, max: 10000) ?? defaultConnections;
        var threads = map.Int("threads", required: false, min: 1, max: 64) ?? defaultThreads;
        if (threads > connections)
        {
            // wrk refuses fewer connections than threads: each thread needs at least one.
            map.Error(map.NodeOf("threads"), $"{reader.Kind}.threads ({threads}) must not exceed {reader.Kind}.connections ({connections})");
        }

        return (connections, threads);
    }
}
