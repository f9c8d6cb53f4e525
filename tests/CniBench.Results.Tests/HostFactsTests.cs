namespace CniBench.Results.Tests;

public sealed class HostFactsTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Join(AppContext.BaseDirectory, "testassets", "host", name));

    [Fact]
    public void ParseOsPrettyName_DebianOsRelease_ReturnsUnquotedName()
    {
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", HostFacts.ParseOsPrettyName(Fixture("os-release")));
    }

    [Fact]
    public void ParseOsPrettyName_Missing_ReturnsNull()
    {
        Assert.Null(HostFacts.ParseOsPrettyName("NAME=x\nID=y\n"));
    }

    [Fact]
    public void ParseCpuModel_X86Cpuinfo_ReturnsModelName()
    {
        Assert.Equal("Intel(R) Xeon(R) Processor", HostFacts.ParseCpuModel(Fixture("cpuinfo")));
    }

    [Fact]
    public void ParseCpuModel_ArmCpuinfo_FallsBackToModel()
    {
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", HostFacts.ParseCpuModel("processor\t: 0\nBogoMIPS\t: 108.00\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"));
    }

    [Fact]
    public void ParseMemTotalBytes_Meminfo_ConvertsKibToBytes()
    {
        Assert.Equal(24684084L * 1024, HostFacts.ParseMemTotalBytes(Fixture("meminfo")));
    }

    [Fact]
    public void Collect_ThisHost_FillsKernelAndCores()
    {
        if (!File.Exists("/proc/sys/kernel/osrelease"))
        {
            Assert.Skip("not a Linux host with /proc");
        }

        var facts = HostFacts.Collect();

        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), facts.KernelRelease);
        Assert.Equal(Environment.ProcessorCount, facts.LogicalCores);
        Assert.True(facts.MemoryBytes > 0);
        Assert.NotEqual("", facts.CpuModel);
    }
}
