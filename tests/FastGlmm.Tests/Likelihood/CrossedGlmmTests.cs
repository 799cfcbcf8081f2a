using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// VerbAgg (316 subjects × 24 items, binomial Laplace) passes lme4's convergence check as lme4 1.1-31 does, at a
/// log-likelihood at least lme4's (tests/data/engine_reference.json, case c14_laplace).
/// </summary>
public class CrossedGlmmTests
{
    [Fact]
    public void VerbAggConvergesAtLeastAsHighAsLme4()
    {
        var c = TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == "c14_laplace");
        var frame = ModelFrame.Build(TestData.Dataset("verbagg.csv", "extra"), c.GetProperty("formula").GetString()!,
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame, new FitOptions());
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        Assert.True(fit.Convergence.MaxAbsGradient < MixedModel.GradientTolerance);
        Assert.True(fit.LogLik >= c.GetProperty("logLik").GetDouble() - 1e-4, $"{fit.LogLik:R}");
        Assert.InRange(fit.LogLik - c.GetProperty("logLik").GetDouble(), -1e-4, 1e-2); // and not implausibly higher
    }
}
