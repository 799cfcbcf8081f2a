using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Likelihood;

/// <summary>Laplace GLMM fits against lme4 1.1-31's reference fits (shared/reference).</summary>
public class GlmmFitterTests
{
    [Theory]
    [InlineData("cbpp_laplace.json")]
    [InlineData("bacteria_laplace.json")]
    [InlineData("epil_laplace.json")]
    [InlineData("salamander_laplace.json")]
    [InlineData("cbpp_agq25.json")]
    [InlineData("bacteria_agq15.json")]
    [InlineData("epil_agq20.json")]
    public void Fit_MatchesLme4(string file)
    {
        var r = TestData.Json("reference", file);
        var frame = ModelFrame.Build(BuiltInDatasets.Load(r.GetProperty("dataset").GetString()!.Replace(".csv", "")),
            r.GetProperty("formula").GetString()!, new ModelFrameOptions { Family = FamilySpec.Parse(r.GetProperty("family").GetString()!) });
        int nagq = r.GetProperty("method").GetString()!.StartsWith("AGQ") ? int.Parse(r.GetProperty("method").GetString()![4..^1]) : 1;
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = nagq });
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        Assert.Equal("hessian", fit.BetaSeMethod);
        double ll = r.GetProperty("logLik").GetDouble();
        Assert.InRange(fit.LogLik, ll - 1e-4, ll + 1e-3);
        Assert.True(fit.LogLik >= ll - 1e-6, $"optimum {fit.LogLik} is worse than lme4's {ll}");
        if (file == "cbpp_laplace.json") Assert.Equal(-92.02628186, fit.LogLik, 2e-6); // glmmTMB's optimum
        Assert.Equal(r.GetProperty("AIC").GetDouble(), fit.Aic, 2e-3);
        var beta = r.GetProperty("fixef").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        var se = r.GetProperty("fixef_se").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        // lme4's Hessian SEs come from its devfun, whose PIRLS stops early; where glmmTMB (exact Laplace,
        // AD Hessian) is pinned, our SEs must agree with it to 1e-4 relative, otherwise with lme4 to 1%.
        string tmb = nagq == 1 ? file.Replace("_laplace", "_glmmtmb") : "none";
        bool haveTmb = File.Exists(TestData.Path("reference", tmb));
        if (haveTmb) se = TestData.Json("reference", tmb).GetProperty("fixef_se").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        for (int j = 0; j < beta.Length; j++)
        {
            Assert.Equal(beta[j], fit.Beta[j], 2e-3);
            Assert.Equal(se[j], fit.BetaSe[j], (haveTmb ? 1e-4 : 0.01) * se[j]);
        }
        // Variance-component SDs within 2e-3.
        foreach (var vc in r.GetProperty("varcorr").EnumerateArray().Where(v => v.GetProperty("var2").ValueKind == System.Text.Json.JsonValueKind.Null))
        {
            var mine = fit.VarCorr.Single(x => x.Group == vc.GetProperty("group").GetString() && x.Var1 == vc.GetProperty("var1").GetString() && x.Var2 is null);
            Assert.Equal(vc.GetProperty("sd_or_cor").GetDouble(), mine.SdOrCorrelation, 2e-3);
        }
        // The first conditional modes.
        foreach (var rh in r.GetProperty("ranef_head").EnumerateArray())
        {
            var re = fit.RandomEffects.First(x => x.Group == rh.GetProperty("group").GetString());
            var levels = rh.GetProperty("levels").EnumerateArray().Select(x => x.GetString()!).ToArray();
            var values = rh.GetProperty("values")[0].EnumerateArray().Select(x => x.GetDouble()).ToArray();
            for (int l = 0; l < levels.Length; l++)
                Assert.Equal(values[l], re.Modes[re.Levels.ToList().IndexOf(levels[l]) * re.Columns.Count], 2e-3);
        }
    }
}
