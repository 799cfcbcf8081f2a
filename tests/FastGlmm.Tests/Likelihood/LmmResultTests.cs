using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Likelihood;

/// <summary>Full LMM results (VarCorr, conditional modes, convergence) against lme4 1.1-31 (shared/reference).</summary>
public class LmmResultTests
{
    [Theory]
    [InlineData("sleepstudy_reml.json", true)]
    [InlineData("sleepstudy_ml.json", false)]
    [InlineData("sleepstudy_uncorr_reml.json", true)]
    [InlineData("penicillin_reml.json", true)]
    public void Result_MatchesLme4(string file, bool reml)
    {
        var r = TestData.Json("reference", file);
        var frame = ModelFrame.Build(BuiltInDatasets.Load(r.GetProperty("dataset").GetString()!.Replace(".csv", "")), r.GetProperty("formula").GetString()!);
        var fit = MixedModel.Fit(frame, new FitOptions { Reml = reml });
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        Assert.Equal(reml ? "REML" : "ML", fit.Method);
        Assert.InRange(fit.LogLik, r.GetProperty("logLik").GetDouble() - 1e-4, r.GetProperty("logLik").GetDouble() + 1e-3);
        foreach (var vc in r.GetProperty("varcorr").EnumerateArray())
        {
            string? v1 = vc.GetProperty("var1").ValueKind == JsonValueKind.Null ? null : vc.GetProperty("var1").GetString();
            string? v2 = vc.GetProperty("var2").ValueKind == JsonValueKind.Null ? null : vc.GetProperty("var2").GetString();
            var mine = fit.VarCorr.First(x => x.Group == vc.GetProperty("group").GetString() && x.Var1 == v1 && x.Var2 == v2);
            double expected = vc.GetProperty("sd_or_cor").GetDouble();
            Assert.Equal(expected, mine.SdOrCorrelation, v2 is null ? 2e-3 * Math.Max(1, expected / 10) : 2e-3);
        }
        foreach (var rh in r.GetProperty("ranef_head").EnumerateArray())
        {
            var levels = rh.GetProperty("levels").EnumerateArray().Select(x => x.GetString()!).ToArray();
            var values = rh.GetProperty("values").EnumerateArray().Select(c => c.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
            var cols = rh.GetProperty("terms").ValueKind == JsonValueKind.Array
                ? rh.GetProperty("terms").EnumerateArray().Select(x => x.GetString()!).ToArray() : [rh.GetProperty("terms").GetString()!];
            for (int c = 0; c < cols.Length; c++)
            {
                var re = fit.RandomEffects.First(x => x.Group == rh.GetProperty("group").GetString() && x.Columns.Contains(cols[c]));
                int ci = re.Columns.ToList().IndexOf(cols[c]);
                for (int l = 0; l < levels.Length; l++)
                    Assert.Equal(values[c][l], re.Modes[re.Levels.ToList().IndexOf(levels[l]) * re.Columns.Count + ci], 2e-2);
            }
        }
        // Residuals add up: y − μ̂ over the used rows.
        Assert.Equal(frame.RowCount, fit.Fitted.Length);
    }
}
