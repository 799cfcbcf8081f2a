using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Optimization;

namespace FastGlmm.Tests.Likelihood;

/// <summary>A fit that did not converge, or that sits on the boundary, says so; nothing is silent.</summary>
public class ConvergenceReportingTests
{
    private static ModelFrame Cbpp() => ModelFrame.Build(BuiltInDatasets.Load("cbpp"),
        "cbind(incidence, size - incidence) ~ period + (1 | herd)", new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });

    [Fact]
    public void EvaluationLimit_IsReportedAsNotConverged()
    {
        var fit = MixedModel.Fit(Cbpp(), new FitOptions { Optimizer = new OptimizerSettings { MaxEvaluations = 8 } });
        Assert.False(fit.Convergence.Converged);
        Assert.Contains(fit.Convergence.Messages, m => m.Contains("limit of"));
        Assert.True(double.IsFinite(fit.LogLik));
    }

    [Fact]
    public void SingularFit_IsFlagged()
    {
        // epil with (1 | period): lme4 estimates the period variance as 0 (engine_reference c08_crossed).
        var frame = ModelFrame.Build(BuiltInDatasets.Load("epil"), "y ~ lbase * trt + lage + V4 + (1 | subject) + (1 | period)",
            new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var fit = MixedModel.Fit(frame);
        Assert.True(fit.Convergence.Singular);
        Assert.Contains(fit.Convergence.Messages, m => m.StartsWith("boundary (singular) fit"));
        Assert.Equal(0.0, fit.Theta[fit.ThetaNames.ToList().IndexOf("period.(Intercept)")]);
    }

    [Fact]
    public void NagqZero_IsLme4sFastFit()
    {
        var fit = MixedModel.Fit(Cbpp(), new FitOptions { Nagq = 0 });
        // lme4 1.1-31, nAGQ = 0 on cbpp: θ 0.6418386, deviance 184.10869 (its PIRLS converged: 184.10859).
        Assert.Equal(0.6418386, fit.Theta[0], 2e-3);
        Assert.Equal(184.108591, fit.Deviance, 1e-3);
        Assert.Equal("Laplace (nAGQ = 0)", fit.Method);
    }
}
