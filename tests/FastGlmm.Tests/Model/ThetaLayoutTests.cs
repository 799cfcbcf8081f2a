using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Model;

namespace FastGlmm.Tests.Model;

/// <summary>θ layout, names and the covariance it implies, against lme4's sleepstudy fit.</summary>
public class ThetaLayoutTests
{
    private static ThetaLayout Layout(string formula) =>
        new(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), formula).RandomTerms);

    [Fact]
    public void CorrelatedSlope_HasLme4NamesBoundsAndStart()
    {
        var l = Layout("Reaction ~ Days + (Days | Subject)");
        Assert.Equal(["Subject.(Intercept)", "Subject.Days.(Intercept)", "Subject.Days"], l.Names);
        Assert.Equal([0, double.NegativeInfinity, 0], l.Lower);
        Assert.Equal([1.0, 0, 1], l.Initial);
    }

    [Fact]
    public void UncorrelatedTerms_AreSeparateTerms()
    {
        var l = Layout("Reaction ~ Days + (Days || Subject)");
        Assert.Equal(["Subject.(Intercept)", "Subject.Days"], l.Names);
        Assert.Equal(2, l.TermCount);
    }

    [Fact]
    public void Covariance_MatchesLme4SleepstudyReml()
    {
        // lme4 1.1-31 REML fit (shared/reference/sleepstudy_reml.json).
        var r = TestData.Json("reference", "sleepstudy_reml.json");
        var theta = r.GetProperty("theta").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var l = Layout("Reaction ~ Days + (Days | Subject)");
        double sigma = r.GetProperty("varcorr").EnumerateArray().Single(v => v.GetProperty("group").GetString() == "Residual").GetProperty("sd_or_cor").GetDouble();
        var (sd, cor) = l.SdCorrelation(theta, 0, sigma * sigma);
        var vc = r.GetProperty("varcorr").EnumerateArray().Where(v => v.GetProperty("group").GetString() == "Subject").ToArray();
        Assert.Equal(vc[0].GetProperty("sd_or_cor").GetDouble(), sd[0], 1e-6);
        Assert.Equal(vc[1].GetProperty("sd_or_cor").GetDouble(), sd[1], 1e-6);
        Assert.Equal(vc[2].GetProperty("sd_or_cor").GetDouble(), cor[1], 1e-6);
    }
}
