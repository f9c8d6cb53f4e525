using System.CommandLine;
using CniBench.Core.Scenarios;
using CniBench.Runs;

namespace CniBench.Cli.Commands;

/// <summary><c>cnibench run</c>: parses options into <see cref="RunArguments"/> and hands over to <see cref="RunExecutor"/>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "Scenario file to run (YAML; see scenarios/). Default: scenarios/default.yaml",
            DefaultValueFactory = _ => Path.Combine("scenarios", "default.yaml"),
        };
        var cni = new Option<string?>("--cni") { Description = "Only these CNIs, comma-separated (e.g. flannel,calico); overrides the scenario's list" };
        var output = new Option<string>("--out", "-o") { Description = "Folder that receives results/<run-id>/", DefaultValueFactory = _ => "results" };
        var quick = new Option<bool>("--quick") { Description = "Smoke mode: 1 repetition of 2 s per test, to check that everything works" };
        var repetitions = new Option<int?>("--repetitions", "-r") { Description = "Repetitions of every test (overrides the scenario)" };
        var duration = new Option<string?>("--duration", "-d") { Description = "Measured seconds per tool run, e.g. 10 or 10s (overrides the scenario; warm-up is extra)" };
        var manifests = new Option<string?>("--manifests") { Description = "Folder of CNI manifests (default: manifests/cni of this checkout)" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "provider kubernetes: kubeconfig file (overrides the scenario; default KUBECONFIG, then ~/.kube/config)" };
        var context = new Option<string?>("--context") { Description = "provider kubernetes: run the scenario's single CNI on this context instead of the scenario's" };
        var allowInstall = new Option<bool>("--allow-install") { Description = "provider kubernetes: install the CNI even on a cluster the scenario does not mark disposable" };
        var allowUnverified = new Option<bool>("--allow-unverified") { Description = "provider kubernetes: apply a catalog manifest that has no sha256 to verify (e.g. weavenet)" };
        var resume = new Option<string?>("--resume") { Description = "Finish an interrupted run in its folder (results/<run-id>): skips what measurements.csv already holds, re-measures the last one, replays the run's own options" };

        var command = new Command("run", "Run a scenario: bring up one cluster per CNI, measure, and write results/<run-id>/ (CSV, raw tool output, summary, charts).\n" +
            "Exit codes: 0 done, 2 bad input, 3 some measurements failed (reasons in measurements.csv), 4 host not ready (see 'cnibench doctor'), 130 interrupted.")
        {
            scenario, cni, output, quick, repetitions, duration, manifests, kubeconfig, context, allowInstall, allowUnverified, resume,
        };
        // Only the form of --duration is checked here; its range and whole seconds are the rules of the key it
        // replaces, checked with the scenario (ScenarioLoader), as are --repetitions and --cni.
        duration.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !Quantities.TryParseDuration(text, out _))
            {
                r.AddError($"--duration must be a duration such as 10, 10s or 2m, not '{text}'");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            _ = Quantities.TryParseDuration(parse.GetValue(duration) ?? "", out var seconds);
            var manifestsDirectory = RepoPaths.ManifestsCni(parse.GetValue(manifests));
            var arguments = new RunArguments
            {
                ScenarioPath = parse.GetRequiredValue(scenario),
                ScenarioGiven = parse.GetResult(scenario) is { Implicit: false },
                ResumeDirectory = parse.GetValue(resume),
                OutputRoot = parse.GetRequiredValue(output),
                ManifestsDirectory = manifestsDirectory,
                IngressManifestsDirectory = RepoPaths.ManifestsIngress(manifestsDirectory),
                WorkloadsDirectory = Path.Combine(RepoPaths.Root(), "manifests", "workloads"),
                Overrides = new ScenarioOverrides
                {
                    Cnis = parse.GetValue(cni)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Repetitions = parse.GetValue(repetitions),
                    Duration = parse.GetValue(duration) is null ? null : seconds,
                    DurationText = parse.GetValue(duration),
                    Quick = parse.GetValue(quick),
                },
                CommandLine = [.. Environment.GetCommandLineArgs()],
                Kubeconfig = parse.GetValue(kubeconfig),
                Context = parse.GetValue(context),
                AllowInstall = parse.GetValue(allowInstall),
                AllowUnverified = parse.GetValue(allowUnverified),
            };
            return await new RunExecutor(CliConsole.Create(parse)).ExecuteAsync(arguments, cancellationToken);
        });
        return command;
    }
}
