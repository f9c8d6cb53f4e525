using System.Diagnostics;
using System.Globalization;
using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Lab.Policy;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Policies;
using CniBench.Processes;
using k8s.Models;

namespace CniBench.Lab.Tests.Policy;

/// <summary>Real labs (root), real nft, real TCP connections. Every lab is removed even when a test fails.</summary>
public sealed class NftPolicyEnforcerIntegrationTests
{
    private const int ServerPort = 5201;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Routed (calico) and bridged (kube-router, weavenet: br_netfilter hands bridged packets to the hook) datapaths alike.</summary>
    [Theory]
    [InlineData("calico")]
    [InlineData("kube-router")]
    [InlineData("weavenet")]
    public async Task ApplyAsync_DenyAllIngressForOnePod_BlocksItUntilClearedAndLeavesOthersReachable(string cni)
    {
        RequireNftLab();
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest(cni, ClusterShape.Default with { Nodes = 2, PodsPerNode = 2 }), null, Token);
        try
        {
            // x/a on n1-p1, x/b on n2-p1, y/a on n1-p2, y/b on n2-p2: one same-node and one cross-node path into x/a.
            var model = DefaultModel.Create(["x", "y"], ["a", "b"], [ServerPort], [NetpolProtocol.Tcp]);
            var placed = LabPolicyPlacement.Place(cluster.Blueprint, model);
            var enforcer = NftPolicyEnforcer.ForLab(cluster.Blueprint, placed, LocalProcessRunner.Instance);
            var pods = PodsById(cluster, placed);
            var xaNode = placed.Placements.Single(p => p.PodId == "x/a").NodeNamespace;
            var policies = PolicyTestModel.Policies("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-a, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Ingress]
                """);
            Assert.True(enforcer.EnforcesIngress && enforcer.EnforcesEgress);

            await using var xaServer = await StartServerAsync(pods["x/a"]);
            await using var xbServer = await StartServerAsync(pods["x/b"]);
            await AssertReachableBeforePolicyAsync(pods["y/b"], pods["x/a"]);
            await AssertReachableBeforePolicyAsync(pods["y/a"], pods["x/a"]);
            await AssertReachableBeforePolicyAsync(pods["y/b"], pods["x/b"]);

            await enforcer.ApplyAsync(policies, Token);

            Assert.Contains("table inet cnibench_policy", await RulesetAsync(xaNode), StringComparison.Ordinal);
            Assert.Equal(Connect.TimedOut, await ConnectAsync(pods["y/b"], pods["x/a"]));
            Assert.Equal(Connect.TimedOut, await ConnectAsync(pods["y/a"], pods["x/a"]));
            Assert.Equal(Connect.Connected, await ConnectAsync(pods["y/b"], pods["x/b"]));
            Assert.Equal(Connect.Connected, await ConnectAsync(pods["x/a"], pods["x/b"]));

            await enforcer.ClearAsync(Token);
            await enforcer.ClearAsync(Token);

            Assert.Equal(Connect.Connected, await ConnectAsync(pods["y/b"], pods["x/a"]));
            Assert.Equal(Connect.Connected, await ConnectAsync(pods["y/a"], pods["x/a"]));
            foreach (var node in enforcer.NodeNamespaces)
            {
                Assert.DoesNotContain("cnibench_policy", await RulesetAsync(node), StringComparison.Ordinal);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        AssertGone(options);
    }

    [Theory]
    [InlineData("calico")]
    [InlineData("kube-router")]
    [InlineData("weavenet")]
    public async Task ApplyAsync_DenyAllEgressFromNamespace_BlocksItsPodsOutgoingOnly(string cni)
    {
        RequireNftLab();
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest(cni, ClusterShape.Default with { Nodes = 2, PodsPerNode = 2 }), null, Token);
        try
        {
            var placed = LabPolicyPlacement.Place(cluster.Blueprint, DefaultModel.Create(["x", "y"], ["a", "b"], [ServerPort], [NetpolProtocol.Tcp]));
            var enforcer = NftPolicyEnforcer.ForLab(cluster.Blueprint, placed, LocalProcessRunner.Instance);
            var pods = PodsById(cluster, placed);
            await using var yaServer = await StartServerAsync(pods["y/a"]);
            await using var xbServer = await StartServerAsync(pods["x/b"]);
            await AssertReachableBeforePolicyAsync(pods["x/a"], pods["y/a"]);
            await AssertReachableBeforePolicyAsync(pods["x/a"], pods["x/b"]);
            await AssertReachableBeforePolicyAsync(pods["y/b"], pods["x/b"]);

            await enforcer.ApplyAsync(
                PolicyTestModel.Policies("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: deny-all-egress, namespace: x}
                    spec: {podSelector: {}, policyTypes: [Egress]}
                    """),
                Token);

            Assert.Equal(Connect.TimedOut, await ConnectAsync(pods["x/a"], pods["y/a"]));
            Assert.Equal(Connect.TimedOut, await ConnectAsync(pods["x/a"], pods["x/b"]));
            Assert.Equal(Connect.Connected, await ConnectAsync(pods["y/b"], pods["x/b"]));
            await enforcer.ClearAsync(Token);
            Assert.Equal(Connect.Connected, await ConnectAsync(pods["x/a"], pods["y/a"]));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        AssertGone(options);
    }

    [Fact]
    public async Task ApplyAsync_EveryNetpolCaseAndEveryRuleShape_RealNftAcceptsTheScripts()
    {
        RequireNftLab();
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest("calico", ClusterShape.Default with { Nodes = 3, PodsPerNode = 3 }), null, Token);
        try
        {
            var placed = LabPolicyPlacement.Place(cluster.Blueprint, DefaultModel.Create());
            var enforcer = NftPolicyEnforcer.ForLab(cluster.Blueprint, placed, LocalProcessRunner.Instance);
            var cases = Directory.EnumerateFiles(Path.Combine(TestSupport.RepositoryRoot(), "manifests", "netpol"), "*.yaml")
                .Order(StringComparer.Ordinal)
                .Select(file => (Name: Path.GetFileName(file), Policies: IpBlockPlaceholders.Resolve(Load(file), placed.Addresses!).Policies))
                .Append(("rule shapes", PolicyTestModel.Policies(RuleShapes)))
                .ToList();
            Assert.True(cases.Count >= 2, "manifests/netpol has no cases");

            foreach (var (name, policies) in cases)
            {
                var error = await Record.ExceptionAsync(() => enforcer.ApplyAsync(policies, Token));
                Assert.True(error is null, $"{name}: {error?.Message}");
                foreach (var node in enforcer.NodeNamespaces)
                {
                    Assert.Contains("table inet cnibench_policy", await RulesetAsync(node), StringComparison.Ordinal);
                }
            }

            var shapes = await RulesetAsync(placed.Placements[0].NodeNamespace);
            Assert.Contains("ip6 saddr 2001:db8::/32", shapes, StringComparison.Ordinal);
            Assert.Contains("sctp dport 80", shapes, StringComparison.Ordinal);
            Assert.Contains("ip daddr . udp dport", shapes, StringComparison.Ordinal);

            // Policy programming cost: 50 policies on the 9-pod model, compiled and loaded on 3 nodes.
            var fifty = SyntheticPolicies(50);
            var times = new List<TimeSpan>();
            for (var i = 0; i < 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await enforcer.ApplyAsync(fifty, Token);
                times.Add(Stopwatch.GetElapsedTime(started));
            }

            var compileStarted = Stopwatch.GetTimestamp();
            var scripts = NftPolicyCompiler.Compile(placed.Model, placed.Placements, fifty, cluster.Blueprint.Manifest!.Policy);
            var compile = Stopwatch.GetElapsedTime(compileStarted);
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"apply 50 policies, 9 pods, 3 nodes: median {times.Order().ElementAt(2).TotalMilliseconds:0.0} ms (all: {string.Join(", ", times.Select(t => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)))} ms); compile alone {compile.TotalMilliseconds:0.00} ms; {scripts.Sum(s => s.Text.Count(c => c == '\n'))} script lines"));

            await enforcer.ClearAsync(Token);
            foreach (var node in enforcer.NodeNamespaces)
            {
                Assert.DoesNotContain("cnibench_policy", await RulesetAsync(node), StringComparison.Ordinal);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        AssertGone(options);
    }

    [Fact]
    public async Task ApplyAsync_Flannel_InstallsNothing()
    {
        RequireNftLab();
        var options = TestSupport.NewOptions();
        var cluster = await new LabProvider(TestSupport.Catalog, options)
            .CreateAsync(new ClusterRequest("flannel", ClusterShape.Default with { Nodes = 2, PodsPerNode = 1 }), null, Token);
        try
        {
            var placed = LabPolicyPlacement.Place(cluster.Blueprint, DefaultModel.Create(["x"], ["a", "b"], [80], [NetpolProtocol.Tcp]));
            var enforcer = NftPolicyEnforcer.ForLab(cluster.Blueprint, placed, LocalProcessRunner.Instance);

            await enforcer.ApplyAsync(
                PolicyTestModel.Policies("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: deny-all, namespace: x}
                    spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                    """),
                Token);

            Assert.False(enforcer.EnforcesIngress || enforcer.EnforcesEgress);
            foreach (var node in cluster.Blueprint.Nodes)
            {
                // Only the kube-proxy model's base table, which every node has: no policy table.
                var ruleset = await RulesetAsync(node.Namespace);
                Assert.DoesNotContain(NftPolicyCompiler.Table, ruleset, StringComparison.Ordinal);
                Assert.Contains(CniBench.Lab.Services.KubeProxyRuleset.Table, ruleset, StringComparison.Ordinal);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        AssertGone(options);
    }

    /// <summary>Every construct the compiler emits, on the default model, for the syntax check.</summary>
    private const string RuleShapes = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: shapes-ingress, namespace: x}
        spec:
          podSelector: {matchExpressions: [{key: pod, operator: Exists}]}
          ingress:
          - from:
            - ipBlock: {cidr: 198.19.0.0/16, except: [198.19.2.0/24, 198.19.3.12/32]}
            - ipBlock: {cidr: "2001:db8::/32"}
            - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}
              podSelector: {matchLabels: {pod: b}}
            ports:
            - {protocol: UDP, port: 80, endPort: 81}
            - {protocol: SCTP, port: 80}
            - {protocol: TCP}
            - {port: serve-81-tcp}
          - {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: shapes-egress, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - to:
            - namespaceSelector: {}
            ports:
            - {protocol: UDP, port: serve-81-udp}
            - {port: serve-80-tcp}
            - {port: 53, protocol: UDP}
          - ports:
            - {protocol: SCTP}
          - to:
            - ipBlock: {cidr: "::/0"}
        """;

    private static List<V1NetworkPolicy> SyntheticPolicies(int count)
    {
        string[] namespaces = ["x", "y", "z"];
        string[] pods = ["a", "b", "c"];
        var yaml = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var ns = namespaces[i % 3];
            var target = pods[(i / 3) % 3];
            var peerNs = namespaces[(i + 1) % 3];
            var peerPod = pods[(i + 2) % 3];
            var port = 80 + (i % 2);
            yaml.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: synthetic-{i}
                  namespace: {ns}
                spec:
                  podSelector:
                    matchLabels:
                      pod: {target}
                  policyTypes: [Ingress, Egress]
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels:
                          ns: {peerNs}
                      podSelector:
                        matchLabels:
                          pod: {peerPod}
                    - ipBlock:
                        cidr: 198.19.{(i % 3) + 1}.0/24
                        except: [198.19.{(i % 3) + 1}.{10 + (i % 4)}/32]
                    ports:
                    - port: {port}
                      protocol: TCP
                    - port: serve-81-udp
                      protocol: UDP
                  egress:
                  - to:
                    - namespaceSelector:
                        matchLabels:
                          ns: {peerNs}
                    ports:
                    - port: serve-80-tcp
                    - port: 80
                      endPort: {80 + (i % 5)}
                      protocol: UDP
                ---

                """);
        }

        return [.. PolicyTestModel.Policies(yaml.ToString())];
    }

    private static void RequireNftLab()
    {
        TestSupport.RequireLabHost();
        if (ToolPackages.Which("nft") is null || ToolPackages.Which("iperf3") is null)
        {
            Assert.Skip("policy enforcement tests need nftables (nft) and iperf3");
        }
    }

    private static List<V1NetworkPolicy> Load(string file)
    {
        var loaded = PolicyLoader.LoadPath(file);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Errors));
        return [.. loaded.Policies.Select(p => p.Policy)];
    }

    private static Dictionary<string, LabWorkloadHost> PodsById(LabCluster cluster, PlacedModel placed)
    {
        var byAddress = cluster.Pods.Cast<LabWorkloadHost>().ToDictionary(p => p.Address);
        return placed.Model.Pods.ToDictionary(p => p.Id, p => byAddress[p.Ip!], StringComparer.Ordinal);
    }

    private static async Task<IRunningProcess> StartServerAsync(LabWorkloadHost pod)
    {
        var server = pod.Runner.Start(new ProcessSpec("iperf3", ["-s", "-p", ServerPort.ToString(CultureInfo.InvariantCulture), "--forceflush"]) { Timeout = TimeSpan.FromMinutes(2) });
        await server.WaitForOutputAsync(line => line.Contains("Server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(5), Token);
        return server;
    }

    private enum Connect
    {
        Connected,
        TimedOut,
        Other,
    }

    /// <summary>A short iperf3 transfer; a policy drop shows as iperf3's connect timeout, a reset as "refused".</summary>
    private static async Task<Connect> ConnectAsync(LabWorkloadHost from, LabWorkloadHost to)
    {
        var result = await from.Runner.RunAsync(
            new ProcessSpec("iperf3", ["-c", to.Address.ToString(), "-p", ServerPort.ToString(CultureInfo.InvariantCulture), "-n", "64K", "--connect-timeout", "1000"]) { Timeout = TimeSpan.FromSeconds(10) },
            Token);
        var output = result.StandardOutput + result.StandardError;
        if (result.Succeeded)
        {
            return Connect.Connected;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{from.Name} -> {to.Name} ({to.Address}): {output.Trim()}");
        return output.Contains("timed out", StringComparison.OrdinalIgnoreCase) ? Connect.TimedOut : Connect.Other;
    }

    /// <summary>
    /// The control before any policy: the path must work. A just-built lab can drop its first packets while the
    /// kernel still activates the new veths' queues (link-watch runs up to a second late), so a few tries are
    /// allowed here, and only here; with policies in place every connection gets exactly one try.
    /// </summary>
    private static async Task AssertReachableBeforePolicyAsync(LabWorkloadHost from, LabWorkloadHost to)
    {
        var outcome = Connect.Other;
        for (var attempt = 0; attempt < 5 && outcome != Connect.Connected; attempt++)
        {
            outcome = await ConnectAsync(from, to);
        }

        Assert.True(outcome == Connect.Connected, $"{from.Name} -> {to.Name} fails with no policy applied: the lab itself is broken");
    }

    private static async Task<string> RulesetAsync(string nodeNamespace)
    {
        var result = await new NetnsProcessRunner(nodeNamespace, LocalProcessRunner.Instance)
            .RunAsync(new ProcessSpec("nft", ["list", "ruleset"]) { Timeout = TimeSpan.FromSeconds(10) }, Token);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput;
    }

    private static void AssertGone(LabProviderOptions options)
    {
        var left = Directory.Exists("/run/netns")
            ? Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).Where(n => n!.StartsWith(options.RunPrefix + "-", StringComparison.Ordinal)).ToList()
            : [];
        Assert.Empty(left);
        if (Directory.Exists(options.StateDirectory))
        {
            Directory.Delete(options.StateDirectory, recursive: true);
        }
    }
}
