using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// A controller measurement on a real cluster: a catalog controller (ingress-nginx, Contour, …) that the cluster
/// installs or finds, the run's Ingress and Services as real objects, and load through the controller's Service.
/// Controllers confirm nothing, so the measurement starts once a probe slice gets only 2xx answers, and a churn
/// change counts as applied when the API server has it (Service endpoints listed, Ingress accepted).
/// </summary>
internal sealed class CatalogIngressRun(ControllerRun run, IIngressCluster cluster, string controllerName)
{
    public async Task<TestOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var options = run.Options;
        var started = await run.Load.StartBackendsAsync(run.Backends, cancellationToken);
        if (started.Failure is { } failure)
        {
            return failure;
        }

        await using var servers = started.Servers;
        IIngressDeployment deployment;
        try
        {
            deployment = await cluster.DeployIngressAsync(
                new IngressDeploymentRequest
                {
                    Controller = controllerName,
                    IngressYaml = run.States.Initial.IngressYaml,
                    RouteChangedYaml = run.States.RouteChanged.IngressYaml,
                    ServiceName = IngressModel.Service,
                    OtherServiceName = IngressModel.OtherService,
                    PortName = IngressModel.PortName,
                    BackendPort = options.Port,
                    Backends = run.InitialBackends,
                },
                cancellationToken);
        }
        catch (ClusterUnsupportedException ex)
        {
            return TestOutcome.Unsupported(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TestOutcome.Failed($"ingress controller {controllerName} could not be set up: {IngressLoad.Detail(ex.Message)}");
        }

        await using (deployment)
        {
            run.Load.Note($"{controllerName} at {deployment.Address}:{deployment.Port.ToString(CultureInfo.InvariantCulture)}; " +
                string.Join(", ", deployment.Facts.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")) +
                $"; backends {string.Join(", ", run.Backends.Select(b => b.Name))}");
            var url = run.Load.Url(deployment.Address, deployment.Port);
            return await run.MeasureAsync(
                url,
                controllerName,
                labController: null,
                servers,
                deployment.ControllerProblemAsync,
                (step, ct) => step switch
                {
                    ChurnAction.ScaleUp => deployment.SetBackendsAsync(run.Backends, ct),
                    ChurnAction.RemoveOne => deployment.SetBackendsAsync([.. run.Backends.Where(b => b != run.Removed)], ct),
                    _ => deployment.ChangeRouteAsync(ct),
                },
                ct => WaitRoutedAsync(url, deployment, ct),
                cancellationToken);
        }
    }

    /// <summary>
    /// Controllers pick up a new Ingress on their own schedule: probe with short wrk runs until one gets answers and
    /// nothing but 2xx, or fail with what the last probe saw. Bounded by <see cref="IngressTestOptions.RouteReadyTimeout"/>.
    /// </summary>
    private async Task<string?> WaitRoutedAsync(Uri url, IIngressDeployment deployment, CancellationToken cancellationToken)
    {
        var time = run.Options.Controllers.Time;
        var started = time.GetTimestamp();
        var last = "no probe ran";
        for (var probe = 1; time.GetElapsedTime(started) < run.Options.RouteReadyTimeout; probe++)
        {
            var outcome = await run.Load.WrkAsync($"route probe {probe.ToString(CultureInfo.InvariantCulture)}", url, run.Options.SliceLength, cancellationToken);
            if (outcome is WrkResult { Requests: > 0 } r && r.Errors.Status == 0 && r.Errors.Socket == 0)
            {
                return null;
            }

            last = outcome switch
            {
                WrkResult result => string.Create(CultureInfo.InvariantCulture,
                    $"{result.Requests} requests, {result.Errors.Status} non-2xx, {result.Errors.Connect} connect / {result.Errors.Read} read / {result.Errors.Timeout} timeout errors"),
                WrkFailure f => f.Reason,
                _ => "no result",
            };
            if (await deployment.ControllerProblemAsync(cancellationToken) is { } problem)
            {
                return problem;
            }

            await Task.Delay(run.Options.RouteProbeInterval, time, cancellationToken);
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{controllerName} did not route the Ingress within {run.Options.RouteReadyTimeout.TotalSeconds:0} s (last probe: {last})");
    }
}
