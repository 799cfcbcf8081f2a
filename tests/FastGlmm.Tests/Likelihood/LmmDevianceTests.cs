using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The profiled LMM deviance at lme4's optimum θ equals −2 logLik of lme4's fit
/// (shared/reference, lme4 1.1-31; REML files hold the REML log-likelihood).
/// </summary>
public class LmmDevianceTests
{
    [Theory]
    [InlineData("sleepstudy_reml.json", true)]
    [InlineData("sleepstudy_ml.json", false)]
    [InlineData("sleepstudy_uncorr_reml.json", true)]
    [InlineData("penicillin_reml.json", true)]
    public void DevianceAtReferenceTheta_EqualsMinusTwoLogLik(string file, bool reml)
    {
        var r = TestData.Json("reference", file);
        var frame = ModelFrame.Build(BuiltInDatasets.Load(r.GetProperty("dataset").GetString()!.Replace(".csv", "")),
            r.GetProperty("formula").GetString()!);
        var theta = r.GetProperty("theta").ValueKind == System.Text.Json.JsonValueKind.Array
            ? r.GetProperty("theta").EnumerateArray().Select(x => x.GetDouble()).ToArray()
            : [r.GetProperty("theta").GetDouble()];
        var eval = new LmmDeviance(new LmmCrossProducts(frame), new ThetaLayout(frame.RandomTerms)).Evaluate(theta, reml);
        Assert.Equal(-2 * r.GetProperty("logLik").GetDouble(), eval.Deviance, 1e-6);
        Assert.NotEqual(eval.Deviance, new LmmDeviance(new LmmCrossProducts(frame), new ThetaLayout(frame.RandomTerms)).Evaluate(theta.Select(t => t * 1.01).ToArray(), reml).Deviance, 1e-6);
        var beta = r.GetProperty("fixef").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], eval.Beta[j], 1e-5 * Math.Max(1, Math.Abs(beta[j])));
    }
}
