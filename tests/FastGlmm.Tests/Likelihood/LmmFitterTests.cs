using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Likelihood;

/// <summary>LMM fits against lme4 1.1-31's reference fits (shared/reference).</summary>
public class LmmFitterTests
{
    [Theory]
    [InlineData("sleepstudy_reml.json", true)]
    [InlineData("sleepstudy_ml.json", false)]
    [InlineData("sleepstudy_uncorr_reml.json", true)]
    [InlineData("penicillin_reml.json", true)]
    public void Fit_MatchesLme4(string file, bool reml)
    {
        var r = TestData.Json("reference", file);
        var frame = ModelFrame.Build(BuiltInDatasets.Load(r.GetProperty("dataset").GetString()!.Replace(".csv", "")),
            r.GetProperty("formula").GetString()!);
        var fit = LmmFitter.Fit(frame, reml);
        Assert.True(fit.Optimizer.Converged, fit.Optimizer.Message);
        double ll = r.GetProperty("logLik").GetDouble();
        Assert.InRange(fit.LogLik, ll - 1e-4, ll + 1e-3);
        var beta = r.GetProperty("fixef").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        var se = r.GetProperty("fixef_se").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        for (int j = 0; j < beta.Length; j++)
        {
            Assert.Equal(beta[j], fit.Beta[j], 2e-3);
            Assert.Equal(se[j], fit.BetaSe[j], 0.01 * se[j]);
        }
        var resid = r.GetProperty("varcorr").EnumerateArray().Single(v => v.GetProperty("group").GetString() == "Residual");
        Assert.Equal(resid.GetProperty("sd_or_cor").GetDouble(), fit.Sigma, 2e-3);
        Assert.Equal(r.GetProperty("AIC").GetDouble(), fit.Aic, 2e-3);
        Assert.Equal(r.GetProperty("BIC").GetDouble(), fit.Bic, 2e-3);
    }
}
