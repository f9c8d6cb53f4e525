using System.Text;
using System.Text.Json;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Output;

/// <summary>Prints expected truth tables as text (upstream's layout) or as JSON.</summary>
public static class TruthTableWriter
{
    /// <summary>
    /// Upstream e2e layout: tab-separated, a "-" corner, destinations across, sources down;
    /// "." allowed, "X" blocked. One table per port/protocol.
    /// </summary>
    public static void WriteTable(ExpectedConnectivity expected, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var table in expected.Tables)
        {
            output.WriteLine($"expected {table.Probe} (rows: from, columns: to; . allowed, X blocked)");
            var line = new StringBuilder("-");
            foreach (var id in table.PodIds)
            {
                line.Append('\t').Append(id);
            }

            output.WriteLine(line.ToString());
            for (var source = 0; source < table.PodIds.Count; source++)
            {
                line.Clear().Append(table.PodIds[source]);
                for (var destination = 0; destination < table.PodIds.Count; destination++)
                {
                    line.Append('\t').Append(table.IsAllowed(source, destination) ? '.' : 'X');
                }

                output.WriteLine(line.ToString());
            }

            output.WriteLine();
        }

        output.WriteLine(expected.SelfTraffic == SelfTrafficMode.Grade
            ? "self-traffic: the diagonal (pod to itself) is graded (--self-traffic grade)"
            : "self-traffic: the diagonal (pod to itself) is computed but not graded (--self-traffic ignore)");
    }

    /// <summary>
    /// <c>{"probes":[{"port":80,"protocol":"TCP","matrix":{"x/a":{"x/a":true,…},…}},…]}</c>:
    /// one entry per port×protocol, rows are sources, columns destinations.
    /// </summary>
    public static void WriteJson(ExpectedConnectivity expected, Stream output)
    {
        ArgumentNullException.ThrowIfNull(expected);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartArray("probes");
        foreach (var table in expected.Tables)
        {
            json.WriteStartObject();
            json.WriteNumber("port", table.Probe.Port);
            json.WriteString("protocol", table.Probe.Protocol.ToWire());
            json.WriteStartObject("matrix");
            for (var source = 0; source < table.PodIds.Count; source++)
            {
                json.WriteStartObject(table.PodIds[source]);
                for (var destination = 0; destination < table.PodIds.Count; destination++)
                {
                    json.WriteBoolean(table.PodIds[destination], table.IsAllowed(source, destination));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string ToJson(ExpectedConnectivity expected)
    {
        using var buffer = new MemoryStream();
        WriteJson(expected, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
