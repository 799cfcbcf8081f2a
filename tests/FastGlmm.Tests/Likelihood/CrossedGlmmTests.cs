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

    /// <summary>
    /// A crossed binary GLMM of one block of 620 random effects (500 subjects × 120 items; tests/data/extra/crossed_binary.csv,
    /// made by fastglmm simulate-data), whose PIRLS runs on the blocked factor: lme4 1.1-31's estimates
    /// (tests/data/crossed_binary_reference.json), at a log-likelihood at least lme4's (whose PIRLS stops earlier).
    /// </summary>
    [Fact]
    public void CrossedBinaryOnTheBlockedFactorMatchesLme4()
    {
        var r = TestData.Json("crossed_binary_reference.json");
        var frame = ModelFrame.Build(TestData.Dataset("crossed_binary.csv", "extra"), r.GetProperty("formula").GetString()!,
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        Assert.StartsWith("block 1 (620 random effects) is factored blocked", FastGlmm.Likelihood.CrossedBlock.Storage(frame));
        var fit = MixedModel.Fit(frame, new FitOptions());
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        double ll = r.GetProperty("logLik").GetDouble();
        Assert.InRange(fit.LogLik - ll, -1e-4, 0.05);
        var theta = r.GetProperty("theta").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var beta = r.GetProperty("beta").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int i = 0; i < theta.Length; i++) Assert.Equal(theta[i], fit.Theta[i], 3e-3);
        for (int i = 0; i < beta.Length; i++) Assert.Equal(beta[i], fit.Beta[i], 3e-3);
    }
}
