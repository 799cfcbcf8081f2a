using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// ζ profiles (the data of the profile plot) against lme4 1.1-31's <c>as.data.frame(profile(fm, signames = TRUE))</c>
/// (tests/data/profile_zeta_reference.json): ζ at each of lme4's points, and the traces' crossings of ±z at the
/// profile confidence limits.
/// </summary>
public class ProfileTraceTests
{
    public static TheoryData<string, double> Models => new() { { "sleepstudy_slope_reml", 2e-4 }, { "cbpp_laplace", 3e-3 } };

    private static (ModelFrame Frame, FastGlmm.Model.FitResult Fit, System.Text.Json.JsonElement Ref) Load(string id)
    {
        var m = TestData.Json("profile_zeta_reference.json").GetProperty("models").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var frame = ModelFrame.Build(BuiltInDatasets.Load(m.GetProperty("dataset").GetString()!), m.GetProperty("formula").GetString()!,
            new ModelFrameOptions { Family = FamilySpec.Parse(m.GetProperty("family").GetString()!) });
        return (frame, MixedModel.Fit(frame), m);
    }

    /// <summary>
    /// lme4's ζ at its own profile points, |ζ| ≤ 3. The LMM's agree to 2e-4 (lme4 optimizes each profile point to its
    /// default tolerances); the GLMM's to 3e-3, as lme4's Laplace deviance is itself about 1e-3 off at some points
    /// (its PIRLS stops early; see ProfileConfidenceTests).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Zeta_AtLme4sProfilePoints(string id, double tol)
    {
        var (frame, fit, m) = Load(id);
        var pp = ProfileConfidence.Problem(frame, fit);
        int compared = 0;
        foreach (var pt in m.GetProperty("points").EnumerateArray())
        {
            double zeta = pt.GetProperty("zeta").GetDouble();
            if (Math.Abs(zeta) > 3) continue;
            int j = Array.IndexOf(pp.Names, pt.GetProperty("parameter").GetString());
            Assert.True(j >= 0, pt.GetProperty("parameter").GetString());
            double c = pt.GetProperty("value").GetDouble();
            var (ours, _) = ProfileConfidence.ZetaAt(pp, j, c, pp.Estimate);
            Assert.True(Math.Abs(ours - zeta) <= tol, $"{id} {pp.Names[j]} = {c}: ζ {ours} against lme4's {zeta}");
            compared++;
        }
        Assert.True(compared >= 5 * pp.Names.Length, $"only {compared} points compared");
    }

    /// <summary>
    /// The traces: increasing in the parameter and in ζ, through (v̂, 0), reaching beyond ±z, and crossing ±z (linear
    /// interpolation between neighbouring points) at the profile limits, to the spacing's interpolation error.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Trace_CrossesTheCutAtTheProfileLimits(string id, double tol)
    {
        _ = tol;
        var (frame, fit, _) = Load(id);
        var traces = ProfileConfidence.Trace(frame, fit);
        var limits = ProfileConfidence.Profile(frame, fit);
        double z = StandardNormal.Quantile(0.975);
        Assert.Equal(limits.Select(l => l.Parameter), traces.Select(t => t.Parameter));
        for (int j = 0; j < traces.Count; j++)
        {
            var pts = traces[j].Points;
            Assert.Equal(17, pts.Count);
            Assert.Contains(new ProfilePoint(traces[j].Estimate, 0), pts);
            for (int i = 1; i < pts.Count; i++)
            {
                Assert.True(pts[i].Value > pts[i - 1].Value);
                Assert.True(pts[i].Zeta > pts[i - 1].Zeta, $"{traces[j].Parameter}: ζ not increasing at {pts[i].Value}");
            }
            Assert.Equal(limits[j].Lower, traces[j].Lower);
            Assert.Equal(limits[j].Upper, traces[j].Upper);
            Assert.True(pts[0].Zeta < -z && pts[^1].Zeta > z, traces[j].Parameter);
            double width = limits[j].Upper - limits[j].Lower;
            Assert.Equal(limits[j].Lower, Crossing(pts, -z), 0.01 * width);
            Assert.Equal(limits[j].Upper, Crossing(pts, z), 0.01 * width);
        }
    }

    private static double Crossing(IReadOnlyList<ProfilePoint> pts, double target)
    {
        for (int i = 1; i < pts.Count; i++)
            if ((pts[i - 1].Zeta - target) * (pts[i].Zeta - target) <= 0)
                return pts[i - 1].Value + (target - pts[i - 1].Zeta) / (pts[i].Zeta - pts[i - 1].Zeta) * (pts[i].Value - pts[i - 1].Value);
        return double.NaN;
    }

    [Fact]
    public void PPoints_AreRs()
    {
        // R: ppoints(5) = (1:5 - 3/8) / (5 + 1 - 3/4); ppoints(20) = (1:20 - 1/2) / 20.
        Assert.Equal(0.625 / 5.25, FastGlmm.Plots.DiagnosticPlots.PPoint(1, 5), 1e-15);
        Assert.Equal(4.625 / 5.25, FastGlmm.Plots.DiagnosticPlots.PPoint(5, 5), 1e-15);
        Assert.Equal(0.025, FastGlmm.Plots.DiagnosticPlots.PPoint(1, 20), 1e-15);
        Assert.Equal(0.975, FastGlmm.Plots.DiagnosticPlots.PPoint(20, 20), 1e-15);
    }
}
