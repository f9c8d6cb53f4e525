using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CniBench.Ingress.Tests;

/// <summary>The fixture folders under tests/testassets/ingress and their golden files.</summary>
internal static class Fixtures
{
    public static string CaseDirectory(string name) => Path.Combine(AppContext.BaseDirectory, "testassets", "ingress", name);

    public static EndpointsSet Endpoints(string name) => EndpointsLoader.LoadFile(Path.Combine(CaseDirectory(name), "endpoints.yaml"));

    public static IngressConfigSet Load(string name, string? ingressClass = null) =>
        IngressConfigLoader.Load([Path.Combine(CaseDirectory(name), "ingress.yaml")], Endpoints(name), ingressClass);

    /// <summary>Compares with the golden file in the source tree; CNIBENCH_UPDATE_GOLDEN=1 rewrites it instead.</summary>
    public static void AssertGolden(string name, string file, string actual, [CallerFilePath] string callerPath = "")
    {
        var sourcePath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "testassets", "ingress", name, file));
        if (Environment.GetEnvironmentVariable("CNIBENCH_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(sourcePath, actual);
            return;
        }

        var expectedPath = Path.Combine(CaseDirectory(name), file);
        Assert.True(File.Exists(expectedPath), $"golden file {expectedPath} is missing; run with CNIBENCH_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    // Relaxed escaping keeps quotes in messages readable in the golden files.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The model (or the errors) as stable JSON: what expected.json holds.</summary>
    public static string ToJson(IngressConfigSet config)
    {
        var json = new JsonObject
        {
            ["routes"] = new JsonArray(config.Routes.Select(r => (JsonNode)new JsonObject
            {
                ["order"] = r.Order,
                ["id"] = r.RouteId,
                ["host"] = r.Host,
                ["path"] = r.Path,
                ["match"] = r.Match.ToString(),
                ["cluster"] = r.ClusterId,
            }).ToArray()),
            ["clusters"] = new JsonArray(config.Clusters.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.ClusterId,
                ["endpoints"] = new JsonArray(c.Endpoints.Select(e => (JsonNode)JsonValue.Create(e.ToString())!).ToArray()),
            }).ToArray()),
            ["defaultBackend"] = config.DefaultBackend?.ClusterId,
            ["tls"] = new JsonArray(config.Tls.Select(t => (JsonNode)new JsonObject
            {
                ["hosts"] = new JsonArray(t.Hosts.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
                ["secretName"] = t.SecretName,
            }).ToArray()),
        };
        return json.ToJsonString(Indented) + "\n";
    }

    public static string ToJson(IngressConfigException error) =>
        new JsonObject { ["errors"] = new JsonArray(error.Errors.Select(e => (JsonNode)JsonValue.Create(e.ToString())!).ToArray()) }
            .ToJsonString(Indented) + "\n";
}
