using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Http;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderHttpTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, InMemoryScenarioFiles.None);

    private static ScenarioException Errors(string testYaml) =>
        Assert.Throws<ScenarioException>(() => Loader.Load("name: x\ncnis: [calico]\ntests:\n" + testYaml, "x.yaml"));

    [Fact]
    public void Load_HttpWithEveryKey_ReadsEveryField()
    {
        const string yaml = """
            name: h
            cnis: [calico]
            tests:
              - test: http
                duration: 3s
                warmup: 0s
                payloads: [1KiB, 100KiB]
                connections: 16
                threads: 4
                connectionModes: [close]
                modes: [fixed-rate, saturation]
                topologies: [same-node, pod-to-service]
                repetitions: 2
            """;

        var test = Assert.Single(Loader.Load(yaml, "h.yaml").Tests);

        Assert.Equal("http", test.Test);
        Assert.Equal(TimeSpan.FromSeconds(3), test.Duration);
        Assert.Equal(TimeSpan.Zero, test.Warmup);
        Assert.Equal(["same-node", "pod-to-service"], test.Topologies);
        Assert.Equal(2, test.Repetitions);
        var http = Assert.IsType<HttpTestSpec>(test.Settings);
        Assert.Equal([1024L, 102_400L], http.PayloadsBytes);
        Assert.Equal((16, 4), (http.Connections, http.Threads));
        Assert.Equal(["close"], http.ConnectionModes);
        Assert.Equal(["fixed-rate", "saturation"], http.LoadModes);
    }

    [Fact]
    public void Load_HttpWithOnlyItsName_TakesDefaults()
    {
        var test = Assert.Single(Loader.Load("name: h\ncnis: [calico]\ntests: [{test: http}]", "h.yaml").Tests);

        Assert.Equal(TimeSpan.FromSeconds(5), test.Duration);
        Assert.Equal(["same-node", "cross-node"], test.Topologies);
        var http = Assert.IsType<HttpTestSpec>(test.Settings);
        Assert.Equal([1024L, 102_400L], http.PayloadsBytes);
        Assert.Equal((32, 2), (http.Connections, http.Threads));
        Assert.Equal(["keepalive", "close"], http.ConnectionModes);
        Assert.Equal(["saturation", "fixed-rate"], http.LoadModes);
    }

    [Fact]
    public void Load_HttpUnknownKey_ReportsItsLineAndColumn()
    {
        var error = Assert.Single(Errors("  - test: http\n    streams: [1]\n").Errors);

        Assert.Equal(("x.yaml", 5, 5), (error.File, error.Line, error.Column));
        Assert.Contains("unknown key 'streams'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HttpBadValues_ReportsEveryErrorWithItsPosition()
    {
        const string test = """
              - test: http
                payloads: [1KB, 2KiB]
                connectionModes: [keepalive, pipelined]
                modes: [open-loop]
                duration: 1.5s
            """;

        var errors = Errors(test + "\n").Errors;

        Assert.Collection(
            errors,
            e => Assert.Equal((5, 16), (e.Line, e.Column)),
            e => Assert.Equal((6, 34), (e.Line, e.Column)),
            e => Assert.Equal((7, 13), (e.Line, e.Column)),
            e => Assert.Equal((8, 15), (e.Line, e.Column)));
        Assert.Contains("1KiB", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("unknown http.connectionModes entry 'pipelined'; expected one of: keepalive, close", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("unknown http.modes entry 'open-loop'; expected one of: saturation, fixed-rate", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("http.duration must be whole seconds", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HttpMoreThreadsThanConnections_IsAnError()
    {
        var error = Assert.Single(Errors("  - test: http\n    connections: 2\n    threads: 4\n").Errors);

        Assert.Equal((6, 14), (error.Line, error.Column));
        Assert.Contains("must not exceed http.connections (2)", error.Message, StringComparison.Ordinal);
    }
}
