using BenchmarkDotNet.Running;

namespace CniBench.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project harness/CniBench.Benchmarks -- --filter '*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
