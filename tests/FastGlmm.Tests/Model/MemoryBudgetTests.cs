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
}

/// <summary>Tests that read the process's heap or set the process-wide memory budget: run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBudgetCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "memory budget";
}
