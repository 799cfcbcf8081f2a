using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The profiled deviance of the kb07-shaped maximal crossed LMM (one dense block of 352 random effects in 4 × 4 terms)
/// at fixed θ equals lme4 1.1-31's devfun, ML and REML (tests/data/kb07_devfun_reference.json), including at lme4's
/// boundary optimum and at a point with a zero diagonal.
/// </summary>
public class Kb07DevfunTests
{
    [Theory]
    [InlineData("lme4_ml_optimum")]
    [InlineData("regular")]
    [InlineData("zero_diagonal")]
    public void ProfiledDeviance_EqualsLme4Devfun(string name)
    {
        var reference = TestData.Json("kb07_devfun_reference.json");
        var frame = ModelFrame.Build(TestData.Dataset("kb07_sim.csv", "extra"), reference.GetProperty("formula").GetString()!,
            new ModelFrameOptions());
        var dev = new LmmDeviance(new LmmCrossProducts(frame), new ThetaLayout(frame.RandomTerms));
        var c = reference.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var theta = c.GetProperty("theta").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(20, theta.Length);
        foreach (var (key, reml) in new[] { ("ml", false), ("reml", true) })
        {
            double expected = c.GetProperty(key).GetDouble();
            Assert.Equal(expected, dev.Evaluate(theta, reml).Deviance, 1e-9 * expected);
        }
    }
}
