using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Planning;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// A controller measurement in the lab: CniBench's own YARP, nginx or HAProxy dataplane in the ingress node's first
/// pod, configured from files it is given; each churn change is confirmed by the controller itself. With
/// <paramref name="tls"/> it terminates TLS on the same port with a certificate made for this measurement, and wrk loads https.
/// </summary>
internal sealed class LabIngressRun(ControllerRun run, IWorkloadHost controllerPod, string controllerName, bool tls = false)
{
    public async Task<TestOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var options = run.Options;
        if (controllerName == IngressTestSpec.Yarp && options.Controllers.YarpDll is null)
        {
            return TestOutcome.Failed("cnibench-ingress is not built: run ./run.sh or 'dotnet build harness/CniBench.Ingress.Yarp -c Release'");
        }

        var started = await run.Load.StartBackendsAsync(run.Backends, cancellationToken);
        if (started.Failure is { } failure)
        {
            return failure;
        }

        await using var servers = started.Servers;
        await using var controller = IngressController.Create(controllerName, controllerPod, new IPEndPoint(controllerPod.Address, options.Port), options.Controllers, tls);
        try
        {
            await controller.StartAsync(run.States.Initial, cancellationToken);
        }
        catch (IngressControllerException ex)
        {
            return TestOutcome.Failed(IngressLoad.Detail(ex.Message));
        }

        var variant = tls ? controllerName + IngressTestSpec.TlsSuffix : controllerName;
        run.Load.Note($"{variant} on {controllerPod.Name} ({controller.Directory}{(tls ? ", TLS with a fresh self-signed certificate" : "")}), backends {string.Join(", ", run.Backends.Select(b => b.Name))}");
        return await run.MeasureAsync(
            run.Load.Target(controllerPod.Address, options.Port, tls),
            variant,
            controller,
            servers,
            _ => Task.FromResult(controller.Exited()),
            (step, ct) => controller.ApplyAsync(run.States.After(step), ct),
            beforeLoad: null,
            cancellationToken);
    }
}
