using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// A PIRLS failure surfaces as a <see cref="PirlsException"/> naming the block on every problem size: large problems
/// run their blocks in parallel, and the failure must not come out wrapped in an AggregateException (which the cold
/// restart and the refits' failure reports would not recognize).
/// </summary>
public class PirlsFailureTests
{
    [Theory]
    [InlineData(2_000)]
    [InlineData(30_000)]
    public void NonFiniteResponse_IsAPirlsException_NamingTheBlock(int rows)
    {
        var frame = ModelFrame.Build(SyntheticData.Generate(rows, 300, SyntheticResponse.Binary, seed: 5), "y ~ x + (1 | g)",
            new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) });
        var y = frame.Response.Y.ToArray();
        int bad = frame.Blocks.RowOffsets[7] + 1;
        y[bad] = double.NaN;
        var lap = new LaplaceDeviance(frame.WithResponse(y));
        var e = Assert.Throws<PirlsException>(() => lap.Evaluate([0.8], [0.1, 0.5]));
        Assert.Equal(7, e.Block);
        Assert.StartsWith("PIRLS failed in block 8:", e.Message, StringComparison.Ordinal);
    }
}
