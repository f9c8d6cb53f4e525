using CniBench.Core.Kinds;
using CniBench.Core.Planning;

namespace CniBench.Workloads.Mtu;

/// <summary>The <c>mtu</c> test has nothing to vary: one variant, the don't-fragment ping search.</summary>
public sealed record MtuTestSpec : TestSettings
{
    /// <summary>The one variant of the mtu test: a don't-fragment ping search.</summary>
    public const string Variant = "df-probe";

    public override IReadOnlyList<TestVariant> Variants() => [new TestVariant(Variant, 1)];
}
