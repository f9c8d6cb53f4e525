using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// Every configuration a measurement reaches, built and validated before anything starts: the initial state and the
/// one after the route change (with all backends), from the same Ingress template and the backends' endpoints.
/// </summary>
internal sealed record IngressStates(IngressModel Model, IReadOnlyList<IPEndPoint> Endpoints, IngressInputs Initial, IngressInputs RouteChanged)
{
    /// <summary>The inputs once <paramref name="step"/> is made (scale-up, remove one, route change); backend stops change no configuration.</summary>
    public IngressInputs After(ChurnAction step)
    {
        var initial = Endpoints.Take(IngressKind.InitialBackends).ToList();
        return step switch
        {
            ChurnAction.ScaleUp => Model.Inputs(Endpoints, initial, routeChanged: false),
            ChurnAction.ChangeRoute => Model.Inputs(Endpoints.Take(IngressKind.ScaledBackends - 1).ToList(), initial, routeChanged: true),
            _ => Model.Inputs(Endpoints.Take(IngressKind.ScaledBackends - 1).ToList(), initial, routeChanged: false),
        };
    }
}

/// <summary>
/// The part of a controller measurement that is the same for CniBench's lab dataplanes and for catalog controllers on
/// a cluster: the steady phase, then the churn phase with the backend removed in it stopped, then the verdict.
/// </summary>
internal sealed class ControllerRun(
    IngressKindOptions options, TestInvocation invocation, IngressTestSpec spec, IngressLoad load, IReadOnlyList<IWorkloadHost> backends, IngressStates states)
{
    public IngressKindOptions Options => options;

    public IngressLoad Load => load;

    public IngressStates States => states;

    /// <summary>The backend pods in play: the first two serve from the start, the rest join when the churn phase scales up.</summary>
    public IReadOnlyList<IWorkloadHost> Backends => backends;

    public IReadOnlyList<IWorkloadHost> InitialBackends => [.. backends.Take(IngressKind.InitialBackends)];

    /// <summary>The backend the churn phase removes (and then stops).</summary>
    public IWorkloadHost Removed => backends[IngressKind.ScaledBackends - 1];

    public bool Churns => spec.Churn > TimeSpan.Zero;

    /// <summary>
    /// Loads <paramref name="target"/> and, with churn, makes the changes through <paramref name="apply"/> (the stop of the
    /// removed backend is made here). <paramref name="problem"/> says whether the controller died or restarted;
    /// <paramref name="beforeLoad"/>, when given, must return null before any load counts (a reason fails the measurement).
    /// </summary>
    public async Task<TestOutcome> MeasureAsync(
        LoadTarget target,
        string controllerName,
        IngressController? labController,
        BackendSet servers,
        Func<CancellationToken, Task<string?>> problem,
        Func<ChurnAction, CancellationToken, Task> apply,
        Func<CancellationToken, Task<string?>>? beforeLoad,
        CancellationToken cancellationToken) =>
        await load.WithClientAsync(
            target,
            async ct =>
            {
                if (beforeLoad is not null && await beforeLoad(ct) is { } notReady)
                {
                    return TestOutcome.Failed(IngressLoad.Detail(notReady));
                }

                var steady = await load.SteadyAsync(target.Url, labController, ct);
                if (steady.Result is not { } result)
                {
                    return TestOutcome.Failed(steady.Reason! + (await problem(ct) is { } why ? "; " + why : ""));
                }

                List<Observation> observations = [.. result.ToObservations(), .. steady.ControllerCpu];
                if (!Churns)
                {
                    return TestOutcome.Ok(observations, null);
                }

                var timeline = await load.ChurnAsync(
                    target.Url,
                    controllerName,
                    result,
                    async (step, token) =>
                    {
                        if (step.Action == ChurnAction.StopRemoved)
                        {
                            await servers.StopAsync(Removed);
                        }
                        else
                        {
                            await apply(step.Action, token);
                        }

                        return step.Action is ChurnAction.RemoveOne or ChurnAction.StopRemoved
                            ? ChurnSchedule.Label(step.Action, Removed.Name)
                            : ChurnSchedule.Label(step.Action);
                    },
                    ct);
                await invocation.Sink.WriteRawAsync(IngressLoad.TimelinePath(invocation.RawPath), timeline.ToJson(), ct);
                if (await problem(ct) is { } died)
                {
                    return TestOutcome.Failed($"the controller died during churn: {IngressLoad.Detail(died)}");
                }

                if (timeline.Changes.FirstOrDefault(c => c.Error is not null) is { } broken)
                {
                    return TestOutcome.Failed($"churn change '{broken.Label}' failed: {IngressLoad.Detail(broken.Error!)}");
                }

                observations.AddRange(timeline.ToObservations());
                return TestOutcome.Ok(observations, null);
            },
            cancellationToken);
}
