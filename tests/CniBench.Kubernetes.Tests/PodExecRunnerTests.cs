using CniBench.Core.Processes;
using CniBench.Kubernetes.Tests.Fakes;
using k8s.Models;

namespace CniBench.Kubernetes.Tests;

public sealed class PodExecRunnerTests : IAsyncLifetime
{
    private FakeKubeApiServer _server = null!;
    private string _directory = null!;
    private KubeConnection _connection = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _server.AddPod(new V1Pod { Metadata = new V1ObjectMeta { Name = "cnb-n1-p1", NamespaceProperty = "cnibench-3fa2" } });
        _directory = Directory.CreateTempSubdirectory("cnb-kube-").FullName;
        _connection = KubeContexts.Connect(_server.WriteKubeconfig(_directory), "fake");
    }

    public async ValueTask DisposeAsync()
    {
        _connection.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ReturnsCodeAndBothStreams()
    {
        _server.Exec = _ => new ExecReply("partial\n", "iperf3: error - unable to connect to server\n", ExitCode: 1);

        var result = await Runner().RunAsync(new ProcessSpec("iperf3", ["-c", "198.19.1.10"]), Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("partial\n", result.StandardOutput);
        Assert.Equal("iperf3: error - unable to connect to server\n", result.StandardError);
        Assert.Equal(["iperf3", "-c", "198.19.1.10"], Assert.Single(_server.Execs));
    }

    [Fact]
    public async Task RunAsync_StandardInput_SentOverV5AndClosedSoTheProgramEnds()
    {
        // The fake, like a real program reading stdin, answers only once its input has ended. Before, the runner
        // opened v4 with stdin on and never closed it: against this server the exec hung until its timeout.
        _server.ExecWithInput = (_, stdin) => new ExecReply(stdin ?? "(no stdin)");

        var result = await Runner().RunAsync(new ProcessSpec("cat", []) { StandardInput = "line one\nline 'two'\n", Timeout = TimeSpan.FromSeconds(20) }, Ct);

        Assert.Equal("line one\nline 'two'\n", result.StandardOutput);
        var exec = Assert.Single(_server.ExecInputs);
        Assert.Equal(["cat"], exec.Argv);
        Assert.Equal(FakeKubeApiServer.ExecV5, exec.Protocol);
        Assert.Contains(_server.Requests, r => r.Contains("/exec?", StringComparison.Ordinal) && r.Contains("stdin=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ServerWithoutV5_FallsBackToV4WithInputAsAnArgumentToSh()
    {
        _server.ExecProtocols = [FakeKubeApiServer.ExecV4];
        _server.Exec = argv => new ExecReply(argv[4]);

        var result = await Runner().RunAsync(new ProcessSpec("cat", []) { StandardInput = "line one\nline 'two'\n", Timeout = TimeSpan.FromSeconds(20) }, Ct);

        Assert.Equal("line one\nline 'two'\n", result.StandardOutput);
        var exec = Assert.Single(_server.ExecInputs);
        Assert.Equal(FakeKubeApiServer.ExecV4, exec.Protocol);
        Assert.Null(exec.Stdin);
        Assert.Equal(["sh", "-c"], exec.Argv.Take(2));
        Assert.Equal(["cnibench-stdin", "line one\nline 'two'\n", "cat"], exec.Argv.Skip(3));
    }

    [Fact]
    public async Task RunAsync_NoInput_OpensTheExecWithoutStdin()
    {
        var result = await Runner().RunAsync(new ProcessSpec("true", []), Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Null(Assert.Single(_server.ExecInputs).Stdin);
        var exec = Assert.Single(_server.Requests, r => r.Contains("/exec?", StringComparison.Ordinal));
        Assert.Contains("stdin=0", exec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProgramOutlivesTimeout_ThrowsProcessTimeout()
    {
        _server.Exec = _ => new ExecReply("started\n", Hold: true);

        var error = await Assert.ThrowsAsync<ProcessTimeoutException>(
            () => Runner().RunAsync(new ProcessSpec("sleep", ["infinity"]) { Timeout = TimeSpan.FromMilliseconds(300) }, Ct));

        Assert.Contains("did not finish within 0.3 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ApiRefusesExec_MessageNamesClusterAndPod()
    {
        _server.Fault = (_, path) => path.EndsWith("/exec", StringComparison.Ordinal) ? System.Net.HttpStatusCode.Forbidden : null;

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => Runner().RunAsync(new ProcessSpec("true", []), Ct));

        Assert.Contains("cluster 'fake'", error.Message, StringComparison.Ordinal);
        Assert.Contains("pod cnibench-3fa2/cnb-n1-p1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ServerStopped_KillsThePidItPrinted()
    {
        _server.Exec = argv => argv is ["iperf3", "-s", ..] ? new ExecReply("Server listening on 5201\n", Hold: true) : new ExecReply();

        await using var server = Runner().Start(new ProcessSpec("iperf3", ["-s"]));
        await server.WaitForOutputAsync(l => l == "Server listening on 5201", TimeSpan.FromSeconds(5), Ct);
        await server.StopAsync();
        var result = await server.Completion;

        Assert.Equal("Server listening on 5201\n", result.StandardOutput);
        Assert.Contains(_server.Execs, argv => argv is ["kill", var pid] && int.TryParse(pid, out _));
    }

    private PodExecRunner Runner() => new(_connection.Client, _connection.Context, "cnibench-3fa2", "cnb-n1-p1");
}
