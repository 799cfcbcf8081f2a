using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;

namespace FastGlmm.Tests.Frame;

/// <summary>Independent blocks: connected components of the random-effect levels.</summary>
public class BlockPartitionTests
{
    private static ModelFrame Frame(string data, string formula, string family = "gaussian") =>
        ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    [Fact]
    public void Salamander_SplitsIntoSixExperimentsOfTwentyLevels()
    {
        var f = Frame("salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial");
        Assert.Equal(6, f.Blocks.Count);
        for (int b = 0; b < 6; b++)
        {
            Assert.Equal(20, f.Blocks.LevelCount(b));
            Assert.Equal(60, f.Blocks.RowCount(b));
        }
    }

    [Fact]
    public void SingleFactor_BlockIsTheLevel()
    {
        var f = Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        Assert.Equal(15, f.Blocks.Count);
        var herd = f.RandomTerms[0];
        for (int b = 0; b < f.Blocks.Count; b++)
            for (int i = f.Blocks.RowOffsets[b]; i < f.Blocks.RowOffsets[b + 1]; i++)
                Assert.Equal(b, herd.LevelOfRow[i]);
        Assert.Equal(f.RowCount, f.Blocks.RowOffsets[^1]);
    }

    [Fact]
    public void FullyCrossed_IsOneBlock()
    {
        var f = Frame("penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)");
        Assert.Equal(1, f.Blocks.Count);
        Assert.Equal(30, f.Blocks.LargestBlockLevels);
        Assert.Equal(144, f.Blocks.LargestBlockRows);
    }

    [Fact]
    public void Nested_BlockIsTheOuterFactor()
    {
        var f = Frame("cbpp", "incidence ~ 1 + (1 | herd/period)", "poisson");
        Assert.Equal(15, f.Blocks.Count);
        Assert.Equal(56 + 15, f.Blocks.LevelIds.Length);
    }

    [Fact]
    public void Rows_AreSortedByBlockAndStableWithin()
    {
        var f = Frame("sleepstudy", "Reaction ~ Days + (Days | Subject)");
        Assert.Equal(18, f.Blocks.Count);
        for (int b = 0; b < f.Blocks.Count; b++)
            for (int i = f.Blocks.RowOffsets[b] + 1; i < f.Blocks.RowOffsets[b + 1]; i++)
                Assert.True(f.InputRow[i] > f.InputRow[i - 1]);
        // The data and the frame agree row by row after the permutation.
        var data = BuiltInDatasets.Load("sleepstudy");
        var reaction = ((NumericColumn)data["Reaction"]).Values;
        for (int i = 0; i < f.RowCount; i++) Assert.Equal(reaction[f.InputRow[i]], f.Response.Y[i]);
    }

    [Fact]
    public void ChainOfSharedLevels_MergesBlocks()
    {
        // g1 levels a,b,c ; g2 levels x,y,z: a-x, b-x join; c-z alone -> 2 blocks.
        var t = new DataTable([
            new NumericColumn("y", [1, 2, 3, 4, 5, 6]),
            FactorColumn.FromLabels("g1", ["a", "b", "c", "a", "b", "c"]),
            FactorColumn.FromLabels("g2", ["x", "x", "z", "y", "y", "z"]),
        ]);
        var f = ModelFrame.Build(t, "y ~ 1 + (1 | g1) + (1 | g2)", new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        Assert.Equal(2, f.Blocks.Count);
        Assert.Equal(4, f.Blocks.RowCount(0));
        Assert.Equal(2, f.Blocks.RowCount(1));
        Assert.Equal([0, 1, 3, 4, 2, 5], f.InputRow.ToArray());
    }
}
