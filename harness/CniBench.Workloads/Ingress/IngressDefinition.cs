using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Ingress;

/// <summary>
/// Load through each ingress controller (one variant each, plus <c>direct</c>), then churn; whole seconds for wrk.
/// The lab runs CniBench's own dataplanes (yarp, nginx, haproxy); a real cluster runs catalog controllers, which
/// must be named since each is an install.
/// </summary>
public sealed class IngressDefinition : ITestKindDefinition
{
    public string Name => IngressKind.TestName;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var ingress = new IngressTestSpec();
        var duration = reader.MeasuredDuration(WrkEntry.DurationOption, TimeSpan.FromSeconds(3));
        var warmup = reader.Warmup(WrkEntry.DurationOption, TimeSpan.FromSeconds(1));
        var churn = reader.WholeSeconds("churn", WrkEntry.DurationOption, TimeSpan.Zero, TimeSpan.FromMinutes(10), ingress.Churn);
        if (churn > TimeSpan.Zero && churn < TimeSpan.FromSeconds(4))
        {
            // Three changes need room between them for their effect to show in a slice of its own.
            map.Error(map.NodeOf("churn"), "ingress.churn must be 0 (no churn phase) or at least 4s");
        }

        var controllersValue = map.Value("controllers");
        var controllers = ReadControllers(reader, controllersValue);
        var payload = ingress.PayloadBytes;
        if (map.Value("payload") is { } payloadValue)
        {
            if (payloadValue.Text is { } text && Quantities.TryParseSize(text, out var bytes) && bytes <= 1L << 30)
            {
                payload = bytes;
            }
            else
            {
                payloadValue.Error("ingress.payload must be a response size such as 1KiB or 100KiB (binary units, at most 1GiB)");
            }
        }

        var mode = ingress.ConnectionMode;
        if (map.Value("connectionMode") is { } modeValue && modeValue.String() is { } modeText)
        {
            if (HttpTestSpec.ConnectionModeNames.Contains(modeText, StringComparer.Ordinal))
            {
                mode = modeText;
            }
            else
            {
                modeValue.Error($"unknown ingress.connectionMode '{modeText}'; expected one of: {string.Join(", ", HttpTestSpec.ConnectionModeNames)}");
            }
        }

        var (connections, threads) = WrkEntry.ReadLoad(reader, ingress.Connections, ingress.Threads);
        return new TestSpec
        {
            Test = Name,
            Duration = duration,
            Warmup = warmup,
            Topologies = [Topologies.Ingress],
            Repetitions = reader.Repetitions(),
            Settings = ingress with
            {
                Controllers = controllersValue is null ? ingress.Controllers : controllers,
                IncludeDirect = map.Bool("direct", required: false) ?? true,
                PayloadBytes = payload,
                ConnectionMode = mode,
                Connections = connections,
                Threads = threads,
                Churn = churn,
                Tls = map.Bool("tls", required: false) ?? false,
            },
        };
    }

    public ITestKind CreateRunner(TimeProvider time) => new IngressKind(IngressKindOptions.FromRepository());

    public MetricDeclarations Metrics => IngressMetrics.Declarations;

    /// <summary>On the lab, CniBench's own dataplanes; on a cluster, controllers of the catalog, which must be named.</summary>
    private static List<string> ReadControllers(TestReader reader, Core.Yaml.YamlValue? controllersValue)
    {
        var onCluster = reader.Provider == "kubernetes";
        IReadOnlyList<string> allowed = onCluster ? [.. reader.IngressControllers.Order(StringComparer.Ordinal)] : IngressTestSpec.ControllerNames;
        var controllers = new List<string>();
        if (onCluster && controllersValue is null)
        {
            reader.Map.Error($"test 'ingress' on provider: kubernetes needs 'controllers:', naming catalog controllers to install and load (each is an install); the catalog has: {string.Join(", ", allowed)}");
        }

        foreach (var item in controllersValue?.Items() ?? [])
        {
            if (item.String() is not { } name)
            {
                continue;
            }

            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                item.Error(onCluster
                    ? $"unknown ingress controller '{name}' for provider: kubernetes; the catalog (manifests/ingress/) has: {string.Join(", ", allowed)}"
                    : $"unknown ingress controller '{name}'; expected one of: {string.Join(", ", allowed)}" +
                      (reader.IngressControllers.Contains(name, StringComparer.Ordinal) ? $" ('{name}' is a Kubernetes catalog controller: it runs with provider: kubernetes)" : ""));
            }
            else if (!controllers.Contains(name, StringComparer.Ordinal))
            {
                controllers.Add(name);
            }
        }

        return controllers;
    }
}
