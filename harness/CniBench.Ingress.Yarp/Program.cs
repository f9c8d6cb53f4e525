using System.CommandLine;
using System.Net;
using CniBench.Ingress;
using CniBench.Ingress.Yarp;

var ingress = new Option<string[]>("--ingress") { Description = "Ingress YAML file or directory (repeatable; file mode)" };
var endpoints = new Option<string?>("--endpoints") { Description = "Endpoints file: Service ports and their backend ip:port lists (file mode)" };
var kubernetes = new Option<bool>("--kubernetes") { Description = "Read Ingresses, Services and EndpointSlices from the API server (in-cluster service account, else --kubeconfig or the default kubeconfig) instead of files; needs --ingress-class" };
var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file for --kubernetes" };
var ns = new Option<string?>("--namespace") { Description = "With --kubernetes: only this namespace (default: all namespaces)" };
var healthListen = new Option<string[]>("--health-listen") { Description = "Address ip:port serving only GET /healthz (200 once a configuration is applied), for probes (repeatable)" };
var listen = new Option<string[]>("--listen") { Description = "Plain HTTP listen address ip:port (repeatable)" };
var tlsListen = new Option<string[]>("--tls-listen") { Description = "HTTPS listen address ip:port (repeatable; needs --tls-cert and --tls-key)" };
var tlsCert = new Option<string?>("--tls-cert") { Description = "Certificate PEM file for the TLS listeners" };
var tlsKey = new Option<string?>("--tls-key") { Description = "Private key PEM file for the TLS listeners" };
var ingressClass = new Option<string?>("--ingress-class") { Description = "Only serve Ingresses of this class" };
var poll = new Option<int>("--poll-ms") { Description = "How often the input files are checked for changes, or the API server is listed", DefaultValueFactory = _ => 500 };

var root = new RootCommand("cnibench-ingress: CniBench's YARP ingress controller, fed by Ingress YAML and an endpoints file, or by the API server (--kubernetes)")
{
    ingress, endpoints, kubernetes, kubeconfig, ns, listen, tlsListen, tlsCert, tlsKey, ingressClass, healthListen, poll,
};
root.SetAction(async (parse, cancellationToken) =>
{
    static IReadOnlyList<IPEndPoint> Endpoints(string[]? values) =>
        (values ?? []).Select(v => IPEndPoint.TryParse(v, out var e) && e.Port != 0 ? e : throw new ArgumentException($"'{v}' is not ip:port")).ToList();

    try
    {
        var options = new IngressHostOptions
        {
            IngressPaths = parse.GetValue(ingress) ?? [],
            EndpointsPath = parse.GetValue(endpoints),
            Kubernetes = parse.GetValue(kubernetes)
                ? new KubernetesSourceOptions { KubeconfigPath = parse.GetValue(kubeconfig), Namespace = parse.GetValue(ns) }
                : parse.GetValue(kubeconfig) is not null || parse.GetValue(ns) is not null
                    ? throw new ArgumentException("--kubeconfig and --namespace go with --kubernetes")
                    : null,
            Listen = Endpoints(parse.GetValue(listen)),
            TlsListen = Endpoints(parse.GetValue(tlsListen)),
            TlsCertificatePath = parse.GetValue(tlsCert),
            TlsKeyPath = parse.GetValue(tlsKey),
            IngressClass = parse.GetValue(ingressClass),
            HealthListen = Endpoints(parse.GetValue(healthListen)),
            PollInterval = TimeSpan.FromMilliseconds(Math.Max(50, parse.GetValue(poll))),
        };
        await using var app = IngressHost.Build(options);
        await app.RunAsync(cancellationToken);
        return 0;
    }
    catch (IngressConfigException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }
    catch (ArgumentException e)
    {
        // The message says which option is wrong; the parameter name .NET appends would only confuse.
        var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
        await Console.Error.WriteLineAsync($"cnibench-ingress: {message}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
