using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// The optimum to lme4's own test precision: cbpp with nAGQ = 25 (shared/reference/cbpp_agq25.json, lme4 1.1-31:
/// logLik −91.98336904), which lme4's tests check to 1e-9 relative. The trust region alone ends about 1e-6 short in the
/// deviance; the Newton finish takes it to the minimum.
/// </summary>
public class OptimumPrecisionTests
{
    [Fact]
    public void Agq25_ReachesLme4sOptimumTo1e9Relative()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = 25 });
        Assert.True(Math.Abs(fit.LogLik - -91.98336904) <= 1e-9 * 91.98336904 + 5e-9, $"{fit.LogLik:R}");
        Assert.True(fit.Convergence.MaxAbsGradient < 1e-5, $"{fit.Convergence.MaxAbsGradient}");
    }
}
