using System.CommandLine;
using System.Net;
using CniBench.Ingress;
using CniBench.Ingress.Yarp;

var ingress = new Option<string[]>("--ingress") { Description = "Ingress YAML file or directory (repeatable)", Required = true };
var endpoints = new Option<string>("--endpoints") { Description = "Endpoints file: Service ports and their backend ip:port lists", Required = true };
var listen = new Option<string[]>("--listen") { Description = "Plain HTTP listen address ip:port (repeatable)" };
var tlsListen = new Option<string[]>("--tls-listen") { Description = "HTTPS listen address ip:port (repeatable; needs --tls-cert and --tls-key)" };
var tlsCert = new Option<string?>("--tls-cert") { Description = "Certificate PEM file for the TLS listeners" };
var tlsKey = new Option<string?>("--tls-key") { Description = "Private key PEM file for the TLS listeners" };
var ingressClass = new Option<string?>("--ingress-class") { Description = "Only serve Ingresses of this class" };
var poll = new Option<int>("--poll-ms") { Description = "How often the input files are checked for changes", DefaultValueFactory = _ => 500 };

var root = new RootCommand("cnibench-ingress: CniBench's YARP ingress controller, fed by Ingress YAML and an endpoints file")
{
    ingress, endpoints, listen, tlsListen, tlsCert, tlsKey, ingressClass, poll,
};
root.SetAction(async (parse, cancellationToken) =>
{
    static IReadOnlyList<IPEndPoint> Endpoints(string[]? values) =>
        (values ?? []).Select(v => IPEndPoint.TryParse(v, out var e) && e.Port != 0 ? e : throw new ArgumentException($"'{v}' is not ip:port")).ToList();

    try
    {
        var options = new IngressHostOptions
        {
            IngressPaths = parse.GetRequiredValue(ingress),
            EndpointsPath = parse.GetRequiredValue(endpoints),
            Listen = Endpoints(parse.GetValue(listen)),
            TlsListen = Endpoints(parse.GetValue(tlsListen)),
            TlsCertificatePath = parse.GetValue(tlsCert),
            TlsKeyPath = parse.GetValue(tlsKey),
            IngressClass = parse.GetValue(ingressClass),
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
        await Console.Error.WriteLineAsync($"cnibench-ingress: {e.Message}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
