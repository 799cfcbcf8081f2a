using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Fitting;
using FastGlmm.Formula;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Frame;

/// <summary>
/// poly(x, d), poly(x, d, raw = TRUE) and scale(x) against R 4.2.2 and lme4 1.1-31 (lmer run to rhoend = 1e-12):
/// R's column names and values, fits, and predictions on new data with the training rows' coefficients
/// (R's makepredictcall).
/// </summary>
public class PolyScaleTests
{
    private static DataTable NewDays() => new([new NumericColumn("Days", [0, 4.5, 12])], "new");

    [Fact]
    public void OrthogonalPolynomialColumns_MatchR()
    {
        // poly(1:10, 3)[c(1, 5, 10), ]
        var x = Enumerable.Range(1, 10).Select(i => (double)i).ToArray();
        var cols = OrthogonalPolynomial.Plan(x, 3).Apply(x);
        double[,] r = { { -0.4954336943, 0.5222329679, -0.4534251929 }, { -0.0550481883, -0.3481553119, 0.1295500551 }, { 0.4954336943, 0.5222329679, 0.4534251929 } };
        int[] rows = [0, 4, 9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Assert.Equal(r[i, j], cols[j][rows[i]], 1e-10);
    }

    [Theory]
    // lmer(Reaction ~ poly(Days, 2) + (1 | Subject), sleepstudy): fixef, REMLcrit, predict(newdata = Days 0, 4.5, 12, re.form = NA)
    [InlineData("Reaction ~ poly(Days, 2) + (1 | Subject)", new[] { "(Intercept)", "poly(Days, 2)1", "poly(Days, 2)2" },
        new[] { 298.5078916667, 403.3641678552, 32.8557879762 }, 1769.3326339345, new[] { 255.4493727778, 295.7274574653, 393.1896080808 })]
    [InlineData("Reaction ~ poly(Days, 2, raw = TRUE) + (1 | Subject)", new[] { "(Intercept)", "poly(Days, 2, raw = TRUE)1", "poly(Days, 2, raw = TRUE)2" },
        new[] { 255.4493727778, 7.4340850126, 0.3370223274 }, 1785.7952720274, new[] { 255.4493727778, 295.7274574653, 393.1896080808 })]
    [InlineData("Reaction ~ scale(Days) + (scale(Days) | Subject)", new[] { "(Intercept)", "scale(Days)" },
        new[] { 298.5078916667, 30.1488534214 }, 1741.5124881826, new[] { 251.4051048485, 298.5078916667, 377.0125363636 })]
    public void Fits_AndPredictionsOnNewData_MatchLme4(string formula, string[] names, double[] beta, double remlCriterion, double[] newPredictions)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), formula);
        var fit = MixedModel.Fit(frame);
        Assert.Equal(names, fit.BetaNames);
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 1e-6 * Math.Max(1, Math.Abs(beta[j])));
        Assert.Equal(remlCriterion, -2 * fit.LogLik, 1e-6);
        var pop = Prediction.Predict(frame, fit, NewDays(), PredictionLevel.Population, PredictionScale.Response);
        for (int i = 0; i < 3; i++) Assert.Equal(newPredictions[i], pop.Values[i], 1e-6);
    }

    [Theory]
    [InlineData("y ~ poly(x, 0) + (1 | g)", 13, "degree of poly() must be a whole number")]
    [InlineData("y ~ poly(x, 2, raw = yes) + (1 | g)", 16, "raw = takes TRUE or FALSE")]
    [InlineData("y ~ poly(x, 2, rough = TRUE) + (1 | g)", 16, "poly() has no argument 'rough'")]
    [InlineData("y ~ log(x, base = 2) + (1 | g)", 5, "log() takes 1 argument")]
    [InlineData("y ~ I(raw = 2) + (1 | g)", 7, "accepted only by poly()")]
    [InlineData("y ~ x = 2", 7, "unexpected '='")]
    public void Misuse_IsAFormulaError(string formula, int position, string message)
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse(formula));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains($"position {position}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolyDegreeAtTheDistinctValues_IsRefused()
    {
        var data = new DataTable([new NumericColumn("y", [1, 2, 3, 4, 5, 6]), new NumericColumn("x", [1, 1, 2, 2, 3, 3]),
            new NumericColumn("g", [1, 1, 1, 2, 2, 2])], "d");
        var e = Assert.ThrowsAny<UserInputException>(() => ModelFrame.Build(data.AsFactors(["g"]), "y ~ poly(x, 3) + (1 | g)"));
        Assert.Contains("poly(x, 3): the degree 3 must be less than the number of distinct values (3)", e.Message, StringComparison.Ordinal);
    }
}
