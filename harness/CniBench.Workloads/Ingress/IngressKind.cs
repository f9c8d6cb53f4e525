using System.Globalization;
using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Ingress;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>Knobs of the ingress test that do not change between measurements.</summary>
public sealed record IngressKindOptions
{
    /// <summary>Where backends listen and where the controller listens.</summary>
    public int Port { get; init; } = HttpKindOptions.DefaultPort;

    /// <summary>The Ingress template (manifests/workloads/ingress.yaml) as text; null when it was not found.</summary>
    public string? IngressTemplate { get; init; }

    public IngressControllerOptions Controllers { get; init; } = new();

    public TimeSpan BackendReadyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>wrk's per-request timeout: slower responses count as timeout errors.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Added to wrk's own length before it is deemed hung and killed.</summary>
    public TimeSpan ClientTimeoutMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>On a real cluster: how long a catalog controller may take to route a new Ingress before the measurement fails.</summary>
    public TimeSpan RouteReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Pause between route probes (each is one slice of wrk).</summary>
    public TimeSpan RouteProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Length of one churn slice (wrk's -d takes whole seconds).</summary>
    public TimeSpan SliceLength { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The options for a checkout: the template and the built cnibench-ingress found from the repository root.</summary>
    public static IngressKindOptions FromRepository()
    {
        var root = RepositoryRoot();
        var template = root is null ? null : Path.Combine(root, "manifests", "workloads", "ingress.yaml");
        return new IngressKindOptions
        {
            IngressTemplate = template is not null && File.Exists(template) ? File.ReadAllText(template) : null,
            Controllers = new IngressControllerOptions { YarpDll = root is null ? null : FindYarpDll(root) },
        };
    }

    /// <summary>The folder with CniBench.sln above the running assembly, or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>cnibench-ingress.dll as ./run.sh builds it, preferring the configuration the caller itself was built in.</summary>
    public static string? FindYarpDll(string repositoryRoot)
    {
        var preferred = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? new[] { "Debug", "Release" }
            : ["Release", "Debug"];
        return preferred
            .Select(c => Path.Combine(repositoryRoot, "harness", "CniBench.Ingress.Yarp", "bin", c, "net10.0", "cnibench-ingress.dll"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>
/// HTTP load through an ingress controller, then churn. In the lab the controller (YARP, nginx or HAProxy) runs in the
/// ingress node's first pod, configured from one Ingress object and the endpoints of nginx backends on the other nodes;
/// on a real cluster (<see cref="IIngressCluster"/>) it is a catalog controller reached through its Service, and the
/// Ingress and Services are real objects. wrk runs in the ingress node's second pod. Steady phase: warm-up, then wrk for
/// the scenario's duration (the http metrics). Churn phase: back-to-back 1-second wrk slices while the backends scale
/// 2→4, one is removed (and then stopped), and the route moves to another Service. The <c>direct</c> variant loads a
/// backend on the client's own node with no controller: the generator's ceiling. A <c>&lt;controller&gt;-tls</c>
/// variant has the controller terminate TLS with a certificate made for the measurement (lab: PEM files; cluster: the
/// Ingress's Secret and the Service's TLS port), and wrk loads https.
/// A configuration error fails the measurement before any process starts.
/// </summary>
public sealed class IngressKind(IngressKindOptions options) : ITestKind
{
    public const string TestName = "ingress";

    /// <summary>Backends the Service starts with, and how many the churn phase scales to.</summary>
    public const int InitialBackends = 2;
    public const int ScaledBackends = 4;

    public IngressKindOptions Options { get; } = options;

    public string Name => TestName;

    public string PrimaryMetric => Metrics.RequestsPerSecond;

    public async Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var spec = invocation.Planned.Test.SettingsAs<IngressTestSpec>();
        var variant = invocation.Planned.Variant.Name;
        if (invocation.Cluster is not { } cluster || IngressLayout.Select(cluster) is not { } layout)
        {
            return TestOutcome.Unsupported("the ingress test needs a cluster of at least 2 nodes with 2 pods on the first");
        }

        var (controllerName, tls) = IngressTestSpec.ParseVariant(variant);
        var load = new IngressLoad(Options, invocation, spec, layout.Client);
        try
        {
            var outcome = variant == IngressTestSpec.Direct
                ? await DirectAsync(load, layout, cancellationToken)
                : await ThroughControllerAsync(load, invocation, spec, layout, cluster, controllerName, tls, cancellationToken);
            var rawFile = await invocation.Sink.WriteRawAsync(Path.ChangeExtension(invocation.RawPath, ".txt"), load.Raw, cancellationToken);
            return outcome with { RawFile = rawFile };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
    }

    private async Task<TestOutcome> DirectAsync(IngressLoad load, IngressLayout layout, CancellationToken cancellationToken)
    {
        // The ceiling: the client loads an nginx on its own node, no controller and no node crossing in between.
        var started = await load.StartBackendsAsync([layout.Controller], cancellationToken);
        if (started.Failure is { } failure)
        {
            return failure;
        }

        await using var backends = started.Servers;
        var target = load.Target(layout.Controller.Address, Options.Port);
        return await load.WithClientAsync(
            target,
            async ct =>
            {
                var steady = await load.SteadyAsync(target.Url, null, ct);
                return steady.Result is { } result ? TestOutcome.Ok(result.ToObservations(), null) : TestOutcome.Failed(steady.Reason!);
            },
            cancellationToken);
    }

    private async Task<TestOutcome> ThroughControllerAsync(
        IngressLoad load, TestInvocation invocation, IngressTestSpec spec, IngressLayout layout, ICluster cluster, string controllerName, bool tls, CancellationToken cancellationToken)
    {
        var churn = spec.Churn > TimeSpan.Zero;
        var needed = churn ? ScaledBackends : InitialBackends;
        if (layout.Backends.Count < needed)
        {
            return TestOutcome.Unsupported(string.Create(
                CultureInfo.InvariantCulture,
                $"the ingress test needs {needed} backend pods off the ingress node, the cluster has {layout.Backends.Count} (lab: nodes 3, podsPerNode 2)"));
        }

        // Configuration first: an Ingress that routes to a missing Service or port fails here, before anything runs.
        if (Options.IngressTemplate is null)
        {
            return TestOutcome.Failed("the Ingress template manifests/workloads/ingress.yaml was not found (run from a CniBench checkout)");
        }

        var backends = layout.Backends.Take(needed).ToList();
        var endpoints = backends.Select(b => new IPEndPoint(b.Address, Options.Port)).ToList();
        IngressStates states;
        try
        {
            var model = IngressModel.FromTemplate(Options.IngressTemplate, tls);
            states = new IngressStates(
                model,
                endpoints,
                model.Inputs(endpoints[..InitialBackends], endpoints[..InitialBackends], routeChanged: false),
                // Every state the churn phase will reach must be valid too, or the run would fail halfway.
                model.Inputs(endpoints, endpoints[..InitialBackends], routeChanged: true));
        }
        catch (IngressConfigException ex)
        {
            return TestOutcome.Failed($"ingress configuration error (no load was started): {IngressLoad.Detail(ex.Message)}");
        }

        var run = new ControllerRun(Options, invocation, spec, load, backends, states);
        return cluster is IIngressCluster catalogCluster
            ? await new CatalogIngressRun(run, catalogCluster, controllerName, tls).RunAsync(cancellationToken)
            : await new LabIngressRun(run, layout.Controller, controllerName, tls).RunAsync(cancellationToken);
    }
}
