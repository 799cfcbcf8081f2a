using BenchmarkDotNet.Attributes;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;

namespace FastGlmm.Benchmarks;

/// <summary>
/// Building the model frame (evaluation, complete cases, X with an interaction, a random-slope term,
/// rank check and block partition) for 10^6 in-memory rows with 10^4 clusters.
/// </summary>
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class FrameBuildBenchmark
{
    private DataTable _table = null!;

    /// <summary>Rows in the generated table.</summary>
    [Params(1_000_000)]
    public int Rows { get; set; }

    /// <summary>Generates a seeded table: binary y, x ~ N(0,1), a 4-level factor f, 10^4 clusters g.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(20261121);
        var y = new double[Rows];
        var x = new double[Rows];
        var f = new int[Rows];
        var g = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            x[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-x[i])) ? 1 : 0;
            f[i] = rng.Next(4);
            g[i] = rng.Next(10_000);
        }
        _table = new DataTable([
            new NumericColumn("y", y), new NumericColumn("x", x),
            new FactorColumn("f", f, ["a", "b", "c", "d"]),
            new FactorColumn("g", g, Enumerable.Range(1, 10_000).Select(k => "g" + k).ToArray()),
        ], "generated");
    }

    /// <summary>y ~ x * f + (1 + x | g), binomial.</summary>
    [Benchmark]
    public ModelFrame BuildFrame() => ModelFrame.Build(_table, "y ~ x * f + (1 + x | g)",
        new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) });
}
