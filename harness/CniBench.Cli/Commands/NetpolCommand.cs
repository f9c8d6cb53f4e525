using System.CommandLine;
using CniBench.NetworkPolicy;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using CniBench.NetworkPolicy.Output;

namespace CniBench.Cli.Commands;

/// <summary><c>cnibench netpol expect|explain</c>: the policy oracle offline, with no cluster.</summary>
internal static class NetpolCommand
{
    public static Command Create() => new("netpol", "NetworkPolicy conformance: expected truth tables and explanations, offline")
    {
        CreateExpect(),
        CreateExplain(),
    };

    private static Option<string> PoliciesOption() => new("--policies")
    {
        Description = "A NetworkPolicy YAML file (several documents allowed) or a folder of *.yaml/*.yml files",
        Required = true,
    };

    private static Option<string?> ModelOption() => new("--model")
    {
        Description = "A model file (namespaces: {x: {labels: {…}}}, pods: {x/a: {labels, ip, ports}}); " +
            "default: upstream e2e model, namespaces x y z, pods a b c, TCP and UDP on 80 and 81",
    };

    private static Option<string> SelfTrafficOption() => new("--self-traffic")
    {
        Description = "Whether pod-to-itself cells are graded (grade) or only computed (ignore, as upstream)",
        DefaultValueFactory = _ => "ignore",
    };

    private static Command CreateExpect()
    {
        var policies = PoliciesOption();
        var model = ModelOption();
        var selfTraffic = SelfTrafficOption();
        var format = new Option<string>("--format")
        {
            Description = "table (upstream truth-table layout) or json ({\"probes\":[{\"port\",\"protocol\",\"matrix\"}]})",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");
        selfTraffic.AcceptOnlyFromAmong("grade", "ignore");
        var command = new Command("expect", "Print the expected truth table of every model port/protocol for a set of policies")
        {
            policies, model, format, selfTraffic,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var inputs = LoadOrReport(parseResult.GetValue(policies)!, parseResult.GetValue(model), error);
            if (inputs is null)
            {
                return ExitCodes.BadInput;
            }

            var mode = parseResult.GetValue(selfTraffic) == "grade" ? SelfTrafficMode.Grade : SelfTrafficMode.Ignore;
            var expected = inputs.CreateOracle().ComputeAll(mode);
            if (parseResult.GetValue(format) == "json")
            {
                output.WriteLine(TruthTableWriter.ToJson(expected));
            }
            else
            {
                TruthTableWriter.WriteTable(expected, output);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateExplain()
    {
        var policies = PoliciesOption();
        var model = ModelOption();
        var selfTraffic = SelfTrafficOption();
        selfTraffic.AcceptOnlyFromAmong("grade", "ignore");
        var from = new Option<string>("--from") { Description = "Source pod, ns/pod", Required = true };
        var to = new Option<string>("--to") { Description = "Destination pod, ns/pod", Required = true };
        var port = new Option<int>("--port") { Description = "Destination port", Required = true };
        var protocol = new Option<string>("--protocol") { Description = "TCP, UDP or SCTP", DefaultValueFactory = _ => "TCP" };
        protocol.AcceptOnlyFromAmong("TCP", "UDP", "SCTP");
        var command = new Command("explain", "Explain the expected verdict for one connection: which policies select each pod and which rule allowed it, or that none did")
        {
            policies, model, from, to, port, protocol, selfTraffic,
        };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var inputs = LoadOrReport(parseResult.GetValue(policies)!, parseResult.GetValue(model), error);
            if (inputs is null)
            {
                return ExitCodes.BadInput;
            }

            var fromId = parseResult.GetValue(from)!;
            var toId = parseResult.GetValue(to)!;
            var portNumber = parseResult.GetValue(port);
            var unknown = new[] { ("--from", fromId), ("--to", toId) }
                .Where(o => !inputs.Model.TryGetPodIndex(o.Item2, out _))
                .Select(o => $"{o.Item1}: pod '{o.Item2}' is not in the model (pods are written ns/pod)")
                .ToList();
            if (portNumber is < 1 or > 65535)
            {
                unknown.Add($"--port: {portNumber} is out of range: must be between 1 and 65535");
            }

            if (!NetpolProtocols.TryParse(parseResult.GetValue(protocol), out var parsedProtocol))
            {
                unknown.Add($"--protocol: '{parseResult.GetValue(protocol)}' must be TCP, UDP or SCTP");
            }

            if (unknown.Count > 0)
            {
                unknown.ForEach(error.WriteLine);
                return ExitCodes.BadInput;
            }

            var mode = parseResult.GetValue(selfTraffic) == "grade" ? SelfTrafficMode.Grade : SelfTrafficMode.Ignore;
            var explanation = inputs.CreateOracle().Explain(fromId, toId, new ProbeKey(portNumber, parsedProtocol), mode);
            ExplanationWriter.Write(explanation, parseResult.InvocationConfiguration.Output);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static NetpolInputs? LoadOrReport(string policiesPath, string? modelPath, TextWriter error)
    {
        var result = NetpolInputs.Load(policiesPath, modelPath);
        foreach (var problem in result.Errors)
        {
            error.WriteLine(problem.ToString());
        }

        if (result.Inputs is null)
        {
            error.WriteLine($"{result.Errors.Count} error(s); no policy was evaluated.");
        }

        return result.Inputs;
    }
}
