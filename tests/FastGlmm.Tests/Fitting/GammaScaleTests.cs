using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// A Gamma GLMM reported as lme4 1.1-31 reports it (R 4.2.2, glmer(Reaction ~ Days + (1 | Subject), sleepstudy,
/// Gamma(link = "log"))): sigma() = √(pwrss/n) = 0.105408140199, VarCorr scaled by σ (Subject SD 0.075943526, Residual
/// 0.105408140), df 4 (σ counted), logLik −870.404342603, vcov(use.hessian = FALSE) SEs 0.023100891998, 0.002735337528.
/// lme4's optimizer stops 9e-5 short here (its max|grad| 0.0022 fails its own check), so estimates agree to a few 1e-4 (θ 3.4e-4 relative).
/// </summary>
public class GammaScaleTests
{
    [Fact]
    public void GammaGlmm_ReportsLme4sScale()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (1 | Subject)",
            new ModelFrameOptions { Family = FamilySpec.Parse("Gamma(log)") });
        var fit = MixedModel.Fit(frame);
        Assert.True(fit.LogLik >= -870.404342603 - 1e-6, $"{fit.LogLik:R}");
        Assert.Equal(0.105408140199, fit.Sigma!.Value, 2e-4 * 0.105);
        Assert.Equal(4, fit.Df);
        Assert.Equal(0.075943526, fit.VarCorr[0].SdOrCorrelation, 5e-4 * 0.076);
        Assert.Equal(("Residual", fit.Sigma.Value), (fit.VarCorr[1].Group, fit.VarCorr[1].SdOrCorrelation));
        Assert.Equal(0.023100891998, fit.BetaSeRX[0], 5e-4 * 0.0231);
        Assert.Equal(0.002735337528, fit.BetaSeRX[1], 5e-4 * 0.00274);
        // as.data.frame(ranef(m, condVar = TRUE))[1, ]: Subject 308, condval 0.11602689, condsd 0.03052234 (σ-scaled).
        Assert.Equal(0.11602689, fit.RandomEffects[0].Modes[0], 5e-4 * 0.116);
        Assert.Equal(0.03052234, fit.RandomEffects[0].ConditionalSd[0], 5e-4 * 0.0305);
    }

    [Theory]
    // glmmTMB 1.1.5: glmmTMB(Reaction ~ Days + (1 | Subject) [or (Days | Subject)], sleepstudy, family = Gamma(link = "log")):
    // logLik, fixef, sigma()² (the dispersion φ) and the random-effect SDs.
    [InlineData("Reaction ~ Days + (1 | Subject)", -883.5783366995, new[] { 5.533944711, 0.03384509258 }, 0.09664165009, new[] { 0.1245865829 })]
    [InlineData("Reaction ~ Days + (Days | Subject)", -866.0183430917, new[] { 5.532517918, 0.03384995542 }, 0.08085279104, new[] { 0.1008578745, 0.01750840279 })]
    public void ObservedLaplace_IsGlmmTmbsGamma(string formula, double logLik, double[] beta, double sigma, double[] sd)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), formula, new ModelFrameOptions { Family = FamilySpec.Parse("Gamma(log)") });
        var fit = MixedModel.Fit(frame, new FitOptions { Laplace = FastGlmm.Likelihood.LaplaceInformation.Observed });
        Assert.True(fit.LogLik >= logLik - 1e-4 && fit.LogLik <= logLik + 1e-3, $"{fit.LogLik:R}");
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 2e-3);
        Assert.Equal(sigma * sigma, fit.Dispersion!.Value, 1e-3 * sigma * sigma);
        var sds = fit.VarCorr.Where(v => v.Var2 is null).Select(v => v.SdOrCorrelation).ToArray();
        for (int j = 0; j < sd.Length; j++) Assert.Equal(sd[j], sds[j], 2e-3);
        Assert.Null(fit.Sigma);
        Assert.Equal("observed", fit.LaplaceInformation);
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
    }
}
