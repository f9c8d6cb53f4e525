using CniBench.Kubernetes.Tests.Fakes;

namespace CniBench.Kubernetes.Tests;

public sealed class KubeCleanerTests
{
    [Fact]
    public async Task CleanAsync_MixedNamespaces_DeletesOnlyRunLabelledOnes()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        server.AddNamespace("cnibench-aaaa", new Dictionary<string, string> { [KubeLabels.Run] = "20260101T000000Z-aaaa" });
        server.AddNamespace("cnibench-bbbb", new Dictionary<string, string> { [KubeLabels.Run] = "20260101T000000Z-bbbb" });
        server.AddNamespace("kube-system");
        server.AddNamespace("team-a", new Dictionary<string, string> { ["app"] = "cnibench-lookalike" });
        var directory = Directory.CreateTempSubdirectory("cnb-kube-").FullName;
        try
        {
            using var connection = KubeContexts.Connect(server.WriteKubeconfig(directory), "fake");

            var deleted = await KubeCleaner.CleanAsync(connection.Client, connection.Context, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(["cnibench-aaaa", "cnibench-bbbb"], deleted);
            Assert.Equal(["kube-system", "team-a"], server.NamespaceNames());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CleanAsync_NothingLabelled_DeletesNothing()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        server.AddNamespace("default");
        var directory = Directory.CreateTempSubdirectory("cnb-kube-").FullName;
        try
        {
            using var connection = KubeContexts.Connect(server.WriteKubeconfig(directory), "fake");

            var deleted = await KubeCleaner.CleanAsync(connection.Client, connection.Context, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Empty(deleted);
            Assert.Equal(["default"], server.NamespaceNames());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
