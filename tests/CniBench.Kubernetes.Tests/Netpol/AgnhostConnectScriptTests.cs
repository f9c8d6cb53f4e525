using System.Net;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Netpol;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using CniBench.Processes;

namespace CniBench.Kubernetes.Tests.Netpol;

public sealed class AgnhostConnectScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Script_TwoProbes_OneBackgroundCallEachThenWait()
    {
        var script = AgnhostConnectScript.Script(
            [
                new AgnhostProbe(3, IPAddress.Parse("198.19.1.11"), 80, NetpolProtocol.Tcp),
                new AgnhostProbe(7, IPAddress.Parse("198.19.2.12"), 81, NetpolProtocol.Udp),
            ],
            TimeSpan.FromMilliseconds(1500));

        var lines = script.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("p 3 198.19.1.11:80 --timeout=1.5s --protocol=tcp &", lines);
        Assert.Contains("p 7 198.19.2.12:81 --timeout=1.5s --protocol=udp &", lines);
        Assert.Equal("wait", lines[^1]);
        Assert.Contains("/agnhost connect", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Argv_Ipv6AndSctp_ShCWithBracketedAddress()
    {
        var argv = AgnhostConnectScript.Argv([new AgnhostProbe(0, IPAddress.Parse("fd00::5"), 80, NetpolProtocol.Sctp)], TimeSpan.FromSeconds(2));

        Assert.Equal("sh", argv[0]);
        Assert.Equal("-c", argv[1]);
        Assert.Contains("p 0 [fd00::5]:80 --timeout=2s --protocol=sctp &", argv[2], StringComparison.Ordinal);
        Assert.Equal(3, argv.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Script_PortOutOfRange_Throws(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AgnhostConnectScript.Script([new AgnhostProbe(0, IPAddress.Loopback, port, NetpolProtocol.Tcp)], TimeSpan.FromSeconds(1)));

    [Fact]
    public void Parse_ResultsAmongNoise_ReadsEachIndexOnce()
    {
        var lines = AgnhostConnectScript.Parse("0 0 \nsh: warning\n1 1 TIMEOUT\n2 1 REFUSED: read udp 198.19.0.1:1->198.19.0.2:81: connection refused\r\n1 0 \n\n");

        Assert.Equal([0, 1, 2], lines.Keys.Order());
        Assert.Equal(new AgnhostConnectLine(0, 0, ""), lines[0]);
        Assert.Equal(new AgnhostConnectLine(1, 1, "TIMEOUT"), lines[1]);
        Assert.Equal("REFUSED: read udp 198.19.0.1:1->198.19.0.2:81: connection refused", lines[2].Message);
    }

    [Theory]
    [InlineData(0, "", ProbeOutcome.Connected)]
    [InlineData(1, "TIMEOUT", ProbeOutcome.TimedOut)]
    [InlineData(1, "TIMEOUT: read udp 198.19.0.1:5->198.19.0.2:80: i/o timeout", ProbeOutcome.TimedOut)]
    [InlineData(1, "REFUSED", ProbeOutcome.Refused)]
    [InlineData(1, "REFUSED: read udp 198.19.0.1:5->198.19.0.2:80: connection refused", ProbeOutcome.Refused)]
    [InlineData(1, "OTHER: dial tcp 198.19.0.2:80: connect: no route to host", ProbeOutcome.Error)]
    [InlineData(1, "DNS: lookup nowhere: no such host", ProbeOutcome.Error)]
    [InlineData(1, "UNKNOWN: missing port in address", ProbeOutcome.Error)]
    [InlineData(127, "sh: /agnhost: not found", ProbeOutcome.Error)]
    [InlineData(137, "", ProbeOutcome.Error)]
    public void Classify_AgnhostExitAndMessage_MapsToOutcome(int exit, string message, ProbeOutcome expected) =>
        Assert.Equal(expected, AgnhostConnectScript.Classify(exit, message));

    /// <summary>Runs the generated script in a real sh, with a stand-in for agnhost that answers per port as agnhost would.</summary>
    [Fact]
    public async Task Script_RealShellWithStandInAgnhost_OneLinePerProbeWithFirstStderrLine()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("needs a POSIX sh");
        }

        var directory = Directory.CreateTempSubdirectory("cnb-agnhost-").FullName;
        try
        {
            var fake = Path.Combine(directory, "agnhost");
            await File.WriteAllTextAsync(fake, """
                #!/bin/sh
                # $1 = connect, $2 = ip:port
                # Port 81 answers only once all five port-81 probes are running at the same time (a barrier of marker
                # files); run one after another, the first four would give up waiting and report OTHER instead.
                case "$2" in
                  *:80) exit 0 ;;
                  *:81) touch "${0%/*}/at-81.$$"
                        tries=0
                        until [ "$(ls "${0%/*}" | grep -c '^at-81\.')" -ge 5 ]; do
                          tries=$((tries + 1))
                          if [ "$tries" -gt 200 ]; then echo "OTHER: $(ls "${0%/*}" | grep -c '^at-81\.') of 5 port-81 probes ran at once" >&2; exit 1; fi
                          sleep 0.05
                        done
                        echo "TIMEOUT" >&2; exit 1 ;;
                  *:82) echo "REFUSED: read udp: connection refused" >&2; echo "second line" >&2; exit 1 ;;
                  *) echo "OTHER: something" >&2; exit 1 ;;
                esac
                """, Ct);
            var probes = Enumerable.Range(0, 20)
                .Select(i => new AgnhostProbe(i, IPAddress.Parse("127.0.0.1"), 80 + (i % 4), i % 2 == 0 ? NetpolProtocol.Tcp : NetpolProtocol.Udp))
                .ToArray();
            var script = AgnhostConnectScript.Script(probes, TimeSpan.FromSeconds(1)).Replace(AgnhostConnectScript.AgnhostPath + " ", "sh " + fake + " ", StringComparison.Ordinal);

            // Long enough for a serial script to reach the stand-in's own message rather than this timeout.
            var result = await LocalProcessRunner.Instance.RunAsync(new ProcessSpec("sh", ["-c", script]) { Timeout = TimeSpan.FromSeconds(60) }, Ct);

            Assert.Equal(0, result.ExitCode);
            var lines = AgnhostConnectScript.Parse(result.StandardOutput);
            Assert.Equal(20, lines.Count);
            // Concurrent: every port-81 probe passed the stand-in's barrier, which a serial script cannot.
            Assert.All(probes.Where(p => p.Port == 81), p => Assert.Equal("TIMEOUT", lines[p.Index].Message));
            Assert.All(probes, p =>
            {
                var line = lines[p.Index];
                var outcome = AgnhostConnectScript.Classify(line.ExitCode, line.Message);
                Assert.Equal(
                    (p.Port % 4) switch { 0 => ProbeOutcome.Connected, 1 => ProbeOutcome.TimedOut, 2 => ProbeOutcome.Refused, _ => ProbeOutcome.Error },
                    outcome);
            });
            Assert.Equal("REFUSED: read udp: connection refused", lines[2].Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
