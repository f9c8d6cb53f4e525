using System.Net;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Tests;

public sealed class Iperf3ToolTests
{
    private static readonly IPAddress Server = IPAddress.Parse("198.19.1.2");

    private static Iperf3ClientOptions Options(Iperf3Request request) =>
        new(Server, 5201, request, TimeSpan.FromSeconds(3));

    [Fact]
    public void Server_Port_IsOneOffAndFlushesOutput()
    {
        var spec = Iperf3Tool.Server(5301);

        Assert.Equal("iperf3", spec.Program);
        Assert.Equal(["-s", "-1", "-p", "5301", "--forceflush"], spec.Arguments);
    }

    [Fact]
    public void Client_SingleTcpStream_OmitsParallelAndUdpFlags()
    {
        var spec = Iperf3Tool.Client(Options(new Iperf3Request { Duration = TimeSpan.FromSeconds(10), Warmup = TimeSpan.FromSeconds(2) }));

        Assert.Equal("iperf3", spec.Program);
        Assert.Equal(
            ["-c", "198.19.1.2", "-p", "5201", "-J", "-t", "10", "-O", "2", "--connect-timeout", "3000", "--repeating-payload"],
            spec.Arguments);
    }

    [Fact]
    public void Client_PacedTcpOverTwoStreams_SplitsThePacingRateWithoutUdp()
    {
        var spec = Iperf3Tool.Client(Options(new Iperf3Request { Duration = TimeSpan.FromSeconds(5), Streams = 2, TcpPacedBitrateBps = 1_000_000_001 }));

        Assert.Equal(
            ["-c", "198.19.1.2", "-p", "5201", "-J", "-t", "5", "-O", "0", "-P", "2", "-b", "500000001", "--connect-timeout", "3000", "--repeating-payload"],
            spec.Arguments);
    }

    [Fact]
    public void Client_PacedTcpRateOnUdp_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Iperf3Tool.Client(Options(new Iperf3Request
        {
            Duration = TimeSpan.FromSeconds(5),
            UdpBitrateBps = 1_000_000,
            TcpPacedBitrateBps = 1_000_000,
        })));
    }

    [Fact]
    public void Client_FourTcpStreams_AddsParallelFlag()
    {
        var spec = Iperf3Tool.Client(Options(new Iperf3Request { Duration = TimeSpan.FromSeconds(5), Streams = 4 }));

        Assert.Equal(
            ["-c", "198.19.1.2", "-p", "5201", "-J", "-t", "5", "-O", "0", "-P", "4", "--connect-timeout", "3000", "--repeating-payload"],
            spec.Arguments);
    }

    [Fact]
    public void Client_UdpOverTwoStreams_SplitsBitrateAcrossStreams()
    {
        var request = new Iperf3Request { Duration = TimeSpan.FromSeconds(5), Streams = 2, UdpBitrateBps = 1_000_000_001 };

        var spec = Iperf3Tool.Client(Options(request));

        Assert.Equal(
            ["-c", "198.19.1.2", "-p", "5201", "-J", "-t", "5", "-O", "0", "-P", "2", "-u", "-b", "500000001", "--connect-timeout", "3000", "--repeating-payload"],
            spec.Arguments);
    }

    [Fact]
    public void Client_UdpWithPayload_SetsTheDatagramLength()
    {
        var request = new Iperf3Request { Duration = TimeSpan.FromSeconds(1), UdpBitrateBps = 20_000_000, UdpPayloadBytes = 64 };

        var args = Iperf3Tool.Client(Options(request)).Arguments.ToList();

        Assert.Equal("64", args[args.IndexOf("-l") + 1]);
        Assert.True(args.IndexOf("-l") > args.IndexOf("-u"));
    }

    [Fact]
    public void Client_FractionalSeconds_RoundsUpBecauseIperf3ReadsIntegers()
    {
        var request = new Iperf3Request { Duration = TimeSpan.FromMilliseconds(1500), Warmup = TimeSpan.FromMilliseconds(200) };

        var spec = Iperf3Tool.Client(Options(request));

        Assert.Equal("2", spec.Arguments[spec.Arguments.ToList().IndexOf("-t") + 1]);
        Assert.Equal("1", spec.Arguments[spec.Arguments.ToList().IndexOf("-O") + 1]);
        Assert.Equal(TimeSpan.FromSeconds(3), Iperf3Tool.ExpectedRunTime(request));
    }

    [Fact]
    public void Client_Ipv6Server_PassesAddressAsIs()
    {
        var options = new Iperf3ClientOptions(IPAddress.IPv6Loopback, 5201, new Iperf3Request { Duration = TimeSpan.FromSeconds(1) }, TimeSpan.FromSeconds(1));

        var spec = Iperf3Tool.Client(options);

        Assert.Equal("::1", spec.Arguments[1]);
    }

    [Theory]
    [InlineData(0, 10, null)]
    [InlineData(1, 0, null)]
    [InlineData(1, 10, 0L)]
    public void Client_InvalidRequest_Throws(int streams, int durationSeconds, long? bitrate)
    {
        var request = new Iperf3Request { Duration = TimeSpan.FromSeconds(durationSeconds), Streams = streams, UdpBitrateBps = bitrate };

        Assert.Throws<ArgumentOutOfRangeException>(() => Iperf3Tool.Client(Options(request)));
    }

    [Fact]
    public void Server_PortOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Iperf3Tool.Server(70000));
    }
}
