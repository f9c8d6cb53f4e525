using k8s.Models;

namespace CniBench.Kubernetes.Tests;

/// <summary>The pod wait's list-then-watch against a fake that keeps resourceVersions, ends watches and expires history.</summary>
public sealed class PodReadinessTests : IAsyncLifetime
{
    private const string Ns = "cnibench-3fa2";

    private FakeKubeApiServer _server = null!;
    private string _directory = null!;
    private KubeConnection _connection = null!;
    private int _hookRuns;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _server.ReadyAfter = null;
        foreach (var name in new[] { "a", "b", "stray" })
        {
            _server.AddPod(new V1Pod { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns }, Status = new V1PodStatus { Phase = "Pending" } });
        }

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
    public async Task WaitAsync_PodDeletedBetweenWatches_ResumesFromResourceVersionAndDropsIt()
    {
        // The stray pod never turns Ready and is deleted while no watch is open. Before, the next watch started
        // without a resourceVersion, saw only the pods still there, kept the stray one cached and timed out.
        _server.WatchTimeout = TimeSpan.FromMilliseconds(300);
        _server.OnWatchClosed = Once(() =>
        {
            _server.DeletePod(Ns, "stray");
            _server.MakeReady(Ns, "a");
            _server.MakeReady(Ns, "b");
        });

        await PodReadiness.WaitAsync(_connection.Client, "fake", Ns, 2, TimeSpan.FromSeconds(15), TimeProvider.System, Ct);

        var watches = Watches();
        Assert.True(watches.Count >= 2, string.Join('\n', watches));
        Assert.All(watches, w => Assert.Contains("allowWatchBookmarks=true", w, StringComparison.Ordinal));
        Assert.All(watches, w => Assert.Contains("resourceVersion=", w, StringComparison.Ordinal));
        Assert.True(Lists().Count == 1, string.Join('\n', _server.Requests));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WaitAsync_ResourceVersionExpiredBetweenWatches_ListsAgainAndDropsTheDeletedPod(bool goneAsHttpStatus)
    {
        _server.WatchTimeout = TimeSpan.FromMilliseconds(300);
        _server.GoneAsHttpStatus = goneAsHttpStatus;
        _server.OnWatchClosed = Once(() =>
        {
            _server.DeletePod(Ns, "stray");
            _server.MakeReady(Ns, "a");
            _server.MakeReady(Ns, "b");
            _server.CompactWatchHistory();
        });

        await PodReadiness.WaitAsync(_connection.Client, "fake", Ns, 2, TimeSpan.FromSeconds(15), TimeProvider.System, Ct);

        Assert.Equal(2, Lists().Count);
    }

    [Fact]
    public async Task WaitAsync_WatchAnswersErrorEvent_FailsWithItsMessage()
    {
        // Before, the client library's default dropped ERROR events: the wait restarted its watch 100 times and
        // then reported only that the watch "kept ending".
        _server.WatchFailure = (500, "InternalError", "etcdserver: leader changed");

        var error = await Assert.ThrowsAsync<KubeOperationException>(() =>
            PodReadiness.WaitAsync(_connection.Client, "fake", Ns, 2, TimeSpan.FromSeconds(15), TimeProvider.System, Ct));

        Assert.Contains("ERROR event 500 InternalError: etcdserver: leader changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.WatchesServed);
    }

    private Action Once(Action action) => () =>
    {
        if (Interlocked.Exchange(ref _hookRuns, 1) == 0)
        {
            action();
        }
    };

    private List<string> Watches() => [.. _server.Requests.Where(r => r.StartsWith($"GET /api/v1/namespaces/{Ns}/pods?", StringComparison.Ordinal) && r.Contains("watch=true", StringComparison.Ordinal))];

    private List<string> Lists() => [.. _server.Requests.Where(r => r.StartsWith($"GET /api/v1/namespaces/{Ns}/pods", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal))];
}
