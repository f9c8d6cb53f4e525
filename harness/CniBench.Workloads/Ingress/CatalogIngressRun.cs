using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Planning;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// A controller measurement on a real cluster: a catalog controller (ingress-nginx, Contour, …) that the cluster
/// installs or finds, the run's Ingress and Services as real objects, and load through the controller's Service.
/// Controllers confirm nothing, so the measurement starts once a probe slice gets only 2xx answers, and a churn
/// change counts as applied when the API server has it (Service endpoints listed, Ingress accepted). With
/// <paramref name="tls"/> the cluster gets a certificate made for this measurement (SAN: the Ingress host only, since
/// the controller's ClusterIP is not known yet) for the Ingress's Secret, and wrk loads https on the Service's TLS port.
/// </summary>
internal sealed class CatalogIngressRun(ControllerRun run, IIngressCluster cluster, string controllerName, bool tls = false)
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
        var variant = tls ? controllerName + IngressTestSpec.TlsSuffix : controllerName;
        var certificate = tls ? IngressCertificate.Create(IngressModel.Host, address: null, options.Controllers.Time) : null;
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
                    Tls = certificate is null ? null : new IngressTlsMaterial(certificate.CertificatePem, certificate.PrivateKeyPem),
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
            run.Load.Note($"{variant} at {deployment.Address}:{deployment.Port.ToString(CultureInfo.InvariantCulture)}" +
                (certificate is null ? "; " : $" (TLS, {certificate}); ") +
                string.Join(", ", deployment.Facts.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")) +
                $"; backends {string.Join(", ", run.Backends.Select(b => b.Name))}");
            var target = run.Load.Target(deployment.Address, deployment.Port, tls);
            return await run.MeasureAsync(
                target,
                variant,
                labController: null,
                servers,
                deployment.ControllerProblemAsync,
                (step, ct) => step switch
                {
                    ChurnAction.ScaleUp => deployment.SetBackendsAsync(run.Backends, ct),
                    ChurnAction.RemoveOne => deployment.SetBackendsAsync([.. run.Backends.Where(b => b != run.Removed)], ct),
                    _ => deployment.ChangeRouteAsync(ct),
                },
                ct => WaitRoutedAsync(target.Url, deployment, ct),
                cancellationToken);
        }
    }

    /// <summary>
    /// Controllers pick up a new Ingress on their own schedule: probe with short wrk runs until one gets answers and
    /// nothing but 2xx, or fail with what the last probe saw. Bounded by <see cref="IngressKindOptions.RouteReadyTimeout"/>.
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
