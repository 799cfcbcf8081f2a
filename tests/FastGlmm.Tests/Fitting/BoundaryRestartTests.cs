using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// Restarts after a boundary fit (tests/data/boundary_restart_reference.json, made by
/// tests/data/rgen/boundary_restart_reference.R): a Poisson random-slope GLMM with frequency weights whose first search
/// ends with the intercept SD at 0, 5.1 log-likelihood units below lme4's optimum (a rank-1 covariance with the slope's
/// own factor at 0). The restart from the lifted start reaches lme4's and glmmTMB's optimum, and both starts are recorded.
/// </summary>
public class BoundaryRestartTests
{
    [Fact]
    public void PoissonSlopeWithFrequencyWeights_ReachesLme4sOptimum()
    {
        var r = TestData.Json("boundary_restart_reference.json");
        var frame = ModelFrame.Build(TestData.Dataset("freq_weights_sim.csv", "extra"), r.GetProperty("formula").GetString()!,
            new ModelFrameOptions { Family = FamilySpec.Parse("poisson"), WeightsColumn = "Freq" });
        var fit = MixedModel.Fit(frame);
        var lme4 = r.GetProperty("lme4");
        double ll = lme4.GetProperty("logLik").GetDouble();
        Assert.True(fit.LogLik >= ll - 1e-4, $"logLik {fit.LogLik:R} < lme4's {ll:R}");
        Assert.True(fit.LogLik <= ll + 1e-2);
        var beta = lme4.GetProperty("beta").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int j = 0; j < 2; j++) Assert.Equal(beta[j], fit.Beta[j], 2e-3);
        var theta = lme4.GetProperty("theta").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(theta[i], fit.Theta[i], 2e-3);
        var starts = fit.Convergence.Starts!;
        Assert.Equal(2, starts.Count);
        Assert.False(starts[0].Kept);
        Assert.True(starts[1].Kept);
        // The first start's end is the other corner of the boundary, 5 units of log-likelihood lower.
        Assert.InRange(starts[0].Deviance - starts[1].Deviance, 9, 12);
        Assert.Equal(-2 * fit.LogLik, starts[1].Deviance, 1e-3);
        Assert.Equal(fit.Convergence.InitialParameters, starts[0].Start);
    }

    [Fact]
    public void InteriorFit_HasOneStart()
    {
        var frame = ModelFrame.Build(TestData.Dataset("structured_sim.csv", "extra"), "y ~ x + (1 + x | id)");
        var fit = MixedModel.Fit(frame);
        Assert.False(fit.Convergence.Singular);
        Assert.Null(fit.Convergence.Starts);
    }
}
