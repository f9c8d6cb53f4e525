using CniBench.Core.Processes;

namespace CniBench.Lab.Tests;

/// <summary>A modular kernel on a fresh host has no br_netfilter loaded; the lab must load it, not assume it.</summary>
public sealed class BridgeNetfilterTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnsureLoadedAsync_ModuleAlreadyLoaded_RunsNothing()
    {
        var runner = new FakeProcessRunner(_ => throw new InvalidOperationException("nothing should run"));

        await BridgeNetfilter.EnsureLoadedAsync(runner, () => true, Token);

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task EnsureLoadedAsync_ModuleMissing_LoadsItWithModprobe()
    {
        var loaded = false;
        var runner = new FakeProcessRunner(_ =>
        {
            loaded = true;
            return new ProcessResult(0, "", "", TimeSpan.Zero);
        });

        await BridgeNetfilter.EnsureLoadedAsync(runner, () => loaded, Token);

        var call = Assert.Single(runner.Calls);
        Assert.Equal(["modprobe", "br_netfilter"], [call.Program, .. call.Arguments]);
    }

    [Fact]
    public async Task EnsureLoadedAsync_ModprobeFails_ThrowsNamingTheModuleAndTheFix()
    {
        var runner = new FakeProcessRunner(_ => new ProcessResult(1, "", "modprobe: FATAL: Module br_netfilter not found", TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<LabCommandException>(() => BridgeNetfilter.EnsureLoadedAsync(runner, () => false, Token));

        Assert.Contains("br_netfilter", error.Message, StringComparison.Ordinal);
        Assert.Contains("Module br_netfilter not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("CONFIG_BRIDGE_NETFILTER", error.Message, StringComparison.Ordinal);
    }
}
