using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Diagnostics;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Model;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Model;

/// <summary>
/// The memory estimate matches what a fit allocates (measured on the managed heap), and a fit that would not fit is
/// refused before any work with the bytes needed and available. Run alone: the heap is the process's, and other tests
/// allocating in parallel would move it.
/// </summary>
[Collection(MemoryBudgetCollection.Name)]
public class MemoryBudgetTests
{
    private static ModelFrame Frame(string formula, int rows = 200_000) =>
        ModelFrame.Build(SyntheticData.Generate(rows, 2000, SyntheticResponse.Binary, 7, sdSlope: 0.5), formula,
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });

    [Theory]
    [InlineData("y ~ x + (1 | g)", 48, 28)]
    [InlineData("y ~ x + (1 + x | g)", 56, 56)]
    public void BytesPerRowByShape(string formula, long frame, long fit)
    {
        var f = Frame(formula, 5000);
        Assert.Equal(frame, MemoryBudget.FrameBytesPerRow(f));
        Assert.Equal(fit, MemoryBudget.FitBytesPerRow(f));
    }

    /// <summary>The packed problem and the CPU backend allocate what the estimate says, within 15 % (per-block parts aside).</summary>
    [Theory]
    [InlineData("y ~ x + (1 | g)")]
    [InlineData("y ~ x + (1 + x | g)")]
    public void EstimateMatchesTheHeap(string formula)
    {
        var f = Frame(formula);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var backend = GlmmBackends.Cpu(new GlmmProblem(f));
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(backend);
        double measured = (after - before) / (double)f.RowCount;
        Assert.InRange(measured, 0.85 * MemoryBudget.FitBytesPerRow(f) - 8, 1.15 * MemoryBudget.FitBytesPerRow(f));
    }

    [Fact]
    public void RefusesAFitThatDoesNotFit()
    {
        var f = Frame("y ~ x + (1 | g)");
        MemoryBudget.AvailableOverride = 1_000_000;
        try
        {
            var e = Assert.Throws<UserInputException>(() => MixedModel.Fit(f));
            Assert.Equal("not enough memory: the fit of 200000 rows needs about 6 MB more (28 bytes per row) and 1 MB are available; " +
                "fit fewer rows, or free memory", e.Message);
        }
        finally { MemoryBudget.AvailableOverride = null; }
    }

    /// <summary>A crossed LMM frame: n rows, g over <paramref name="gLevels"/> and h over <paramref name="hLevels"/> levels drawn at random (one block).</summary>
    private static ModelFrame Crossed(int n, int gLevels, int hLevels)
    {
        var rng = new Random(20261207);
        var g = new string?[n];
        var h = new string?[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            g[i] = "g" + (i < gLevels ? i : rng.Next(gLevels));
            h[i] = "h" + (i < hLevels ? i : rng.Next(hLevels));
            y[i] = rng.NextDouble();
        }
        var t = new FastGlmm.Data.DataTable([new FastGlmm.Data.NumericColumn("y", y), FastGlmm.Data.FactorColumn.FromLabels("g", g),
            FastGlmm.Data.FactorColumn.FromLabels("h", h)]);
        return ModelFrame.Build(t, "y ~ 1 + (1 | g) + (1 | h)");
    }

    /// <summary>
    /// The factor's dense part: m² doubles for a block below the blocked size (200 + 100 levels), the trailing term's
    /// (400²) for a blocked one (800 leading + 400); a fit that cannot hold three copies of it is refused, naming it.
    /// </summary>
    [Fact]
    public void CountsTheFactorsDensePart()
    {
        Assert.Equal(8L * 300 * 300, FastGlmm.Likelihood.CrossedBlock.LargestDenseBytes(Crossed(3000, 200, 100)));
        var f = Crossed(12_000, 800, 400);
        Assert.Equal(8L * 400 * 400, FastGlmm.Likelihood.CrossedBlock.LargestDenseBytes(f));
        Assert.Contains("and 4 MB for the factor's dense part (3 copies", MemoryBudget.Check(f));
        MemoryBudget.AvailableOverride = 3_000_000;
        try
        {
            var e = Assert.Throws<UserInputException>(() => MixedModel.Fit(f));
            Assert.StartsWith($"not enough memory: the fit of 12000 rows needs about 4 MB more ({MemoryBudget.FitBytesPerRow(f)} bytes per row, and 4 MB for the factor's dense part", e.Message);
        }
        finally { MemoryBudget.AvailableOverride = null; }
    }
}

/// <summary>Tests that read the process's heap or set the process-wide memory budget: run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBudgetCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "memory budget";
}
