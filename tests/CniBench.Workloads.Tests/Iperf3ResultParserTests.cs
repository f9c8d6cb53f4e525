using System.Text.Json.Nodes;
using CniBench.Core.Measurements;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Tests;

/// <summary>Fixtures are real iperf3 3.12 client outputs recorded on 127.0.0.1 inside a throwaway namespace.</summary>
public sealed class Iperf3ResultParserTests
{
    [Fact]
    public void Parse_TcpSingleStream_ReturnsReceiverThroughputAndRetransmits()
    {
        var result = Assert.IsType<Iperf3TcpResult>(Iperf3ResultParser.Parse(TestAssets.Iperf3("tcp-1-stream.json")));

        Assert.Equal(12563048066.951788, result.ReceiverBitsPerSecond, 3);
        Assert.Equal(12568679032.804903, result.SenderBitsPerSecond, 3);
        Assert.Equal(4, result.Retransmits);
        Assert.Equal(1, result.Streams);
    }

    [Fact]
    public void Parse_Tcp_ReadsTheMeasuredLengthAndEachProcesssOwnCpu()
    {
        var result = Assert.IsType<Iperf3TcpResult>(Iperf3ResultParser.Parse(TestAssets.Iperf3("tcp-1-stream.json")));

        // The receiver's 2.00383 s after the 1 s -O warm-up, and end.cpu_utilization_percent's host/remote totals.
        Assert.Equal(2.00383, result.Run.MeasuredSeconds!.Value, 6);
        Assert.Equal(25.663355413535786, result.Run.ClientCpuPercent!.Value, 6);
        Assert.Equal(67.79208215458713, result.Run.ServerCpuPercent!.Value, 6);
    }

    [Fact]
    public void Parse_TcpFourStreams_ReturnsSumOverStreams()
    {
        var result = Assert.IsType<Iperf3TcpResult>(Iperf3ResultParser.Parse(TestAssets.Iperf3("tcp-4-streams.json")));

        Assert.Equal(19467268695.729954, result.ReceiverBitsPerSecond, 3);
        Assert.Equal(6, result.Retransmits);
        Assert.Equal(4, result.Streams);
    }

    [Fact]
    public void Parse_TcpResult_MapsToThroughputAndRetransmitObservations()
    {
        var result = Assert.IsType<Iperf3TcpResult>(Iperf3ResultParser.Parse(TestAssets.Iperf3("tcp-1-stream.json")));

        var observations = result.ToObservations();

        Assert.Equal([Metrics.ThroughputBps, Metrics.ToolClientCpuPercent, Metrics.ToolServerCpuPercent, Metrics.Retransmits], observations.Select(o => o.Metric));
        Assert.Equal(Metrics.BitsPerSecond, observations[0].Unit);
        Assert.Equal(4, observations[3].Value);
    }

    [Fact]
    public void Parse_UdpAtBitrate_ReadsReceiverSideFigures()
    {
        var result = Assert.IsType<Iperf3UdpResult>(Iperf3ResultParser.Parse(TestAssets.Iperf3("udp-200m.json")));

        Assert.Equal(200021072.54788625, result.ReceiverBitsPerSecond, 3);
        Assert.Equal(200030174.15745226, result.SenderBitsPerSecond, 3);
        Assert.Equal(0.012875861138104384, result.JitterMs, 9);
        Assert.Equal(0, result.LostPackets);
        Assert.Equal(1526, result.Packets);
        Assert.Equal(0, result.LostPercent);
    }

    [Fact]
    public void Parse_UdpOverload_ReportsLossAndReceivedRate()
    {
        var result = Assert.IsType<Iperf3UdpResult>(Iperf3ResultParser.Parse(TestAssets.Iperf3("udp-overload.json")));

        Assert.Equal(16957150087.212048, result.ReceiverBitsPerSecond, 3);
        Assert.Equal(37787, result.LostPackets);
        Assert.Equal(152588, result.Packets);
        Assert.Equal(24.764070569114217, result.LostPercent, 9);
        Assert.Equal(
            [Metrics.ThroughputBps, Metrics.JitterMs, Metrics.LostPercent, Metrics.ToolClientCpuPercent, Metrics.ToolServerCpuPercent],
            result.ToObservations().Select(o => o.Metric));
    }

    [Fact]
    public void Parse_UdpWithoutSumReceived_FailsRatherThanReportTheSendersRate()
    {
        // The sender's rate is what was offered; reading it as the receiver's made every lossy path look perfect.
        var document = JsonNode.Parse(TestAssets.Iperf3("udp-overload.json"))!;
        document["end"]!.AsObject().Remove("sum_received");

        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(document.ToJsonString()));

        Assert.Contains("no end.sum_received", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("receiver's rate is unknown", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConnectionRefused_FailsWithIperfMessage()
    {
        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(TestAssets.Iperf3("connection-refused.json")));

        Assert.Equal("iperf3: unable to connect to server: Connection refused", failure.Reason);
    }

    [Fact]
    public void Parse_ServerKilledMidTest_FailsWithMessageAndProgress()
    {
        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(TestAssets.Iperf3("tcp-server-killed.json")));

        Assert.Equal("iperf3: the server has terminated (after 1 s of 4 s)", failure.Reason);
    }

    [Theory]
    [InlineData("tcp-server-killed-reset.json")]
    [InlineData("tcp-server-sigkill.json")]
    public void Parse_ServerKilledWhileSending_FailsWithConnectionReset(string fixture)
    {
        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(TestAssets.Iperf3(fixture)));

        Assert.Equal("iperf3: unable to write to stream socket: Connection reset by peer (after 1 s of 4 s)", failure.Reason);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("iperf3: error - unable to connect to server")]
    [InlineData("{\"start\": {}, \"end\": ")]
    public void Parse_MalformedJson_FailsWithReason(string text)
    {
        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(text));

        Assert.StartsWith("iperf3 output is not valid JSON", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedRecording_FailsWithReason()
    {
        var json = TestAssets.Iperf3("tcp-1-stream.json");

        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(json[..(json.Length / 2)]));

        Assert.StartsWith("iperf3 output is not valid JSON", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "iperf3 printed no JSON")]
    [InlineData("  \n", "iperf3 printed no JSON")]
    [InlineData("[1, 2]", "iperf3 JSON is a Array, not an object")]
    [InlineData("{\"start\": {}}", "iperf3 JSON has no 'end' section")]
    [InlineData("{\"end\": {\"sum_sent\": {\"bits_per_second\": 5}}}", "iperf3 JSON lacks end.sum_received or end.sum_sent bits_per_second")]
    [InlineData("{\"end\": {\"sum_received\": {\"bits_per_second\": \"fast\"}, \"sum_sent\": {\"bits_per_second\": 5}}}", "iperf3 JSON lacks end.sum_received or end.sum_sent bits_per_second")]
    public void Parse_UnusableDocument_FailsWithReason(string json, string reason)
    {
        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(json));

        Assert.Equal(reason, failure.Reason);
    }

    [Fact]
    public void Parse_VeryLongError_IsShortened()
    {
        var json = $"{{\"error\": \"{new string('x', 1000)}\"}}";

        var failure = Assert.IsType<Iperf3Failure>(Iperf3ResultParser.Parse(json));

        Assert.Equal(300, failure.Reason.Length);
        Assert.EndsWith("…", failure.Reason, StringComparison.Ordinal);
    }
}
