using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Formula;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Frame;

/// <summary>
/// ns(), bs(), round() and as.numeric() against R 4.2.2 (splines) and lme4 1.1-31: column names, fixef and logLik
/// (REML) printed with %.10g / %.10f, and predict(m, newdata, re.form = NA) at Days −1, 0, 2.5, 9 and 12 (outside the
/// training range 0..9 at both ends, where R extrapolates).
/// </summary>
public class SplineTests
{
    private static DataTable NewDays() => new([new NumericColumn("Days", [-1, 0, 2.5, 9, 12])], "new");

    [Theory]
    [InlineData("Reaction ~ ns(Days, 3) + (1 | Subject)", new[] { "(Intercept)", "ns(Days, 3)1", "ns(Days, 3)2", "ns(Days, 3)3" },
        new[] { 255.5253715, 50.17799102, 100.6506911, 80.30875949 }, -883.7101083356,
        new[] { 247.8212357, 255.5253715, 275.7950047, 348.8564971, 385.4984487 })]
    [InlineData("Reaction ~ bs(Days, df = 4) + (1 | Subject)", new[] { "(Intercept)", "bs(Days, df = 4)1", "bs(Days, df = 4)2", "bs(Days, df = 4)3", "bs(Days, df = 4)4" },
        new[] { 257.8319775, -0.8796335222, 50.27659416, 63.03910252, 93.5662446 }, -879.4138832935,
        new[] { 262.7337443, 257.8319775, 274.6813637, 351.3982221, 454.6453398 })]
    [InlineData("Reaction ~ bs(Days, 5, degree = 2) + (1 | Subject)",
        new[] { "(Intercept)", "bs(Days, 5, degree = 2)1", "bs(Days, 5, degree = 2)2", "bs(Days, 5, degree = 2)3", "bs(Days, 5, degree = 2)4", "bs(Days, 5, degree = 2)5" },
        new[] { 257.3783681, 2.296027254, 24.69807779, 55.91463112, 72.02089503, 94.33328646 }, -876.8495844650,
        new[] { 256.9974508, 257.3783681, 274.7356035, 351.7116546, 452.7454457 })]
    public void Fits_AndExtrapolatedPredictions_MatchR(string formula, string[] names, double[] beta, double logLik, double[] predictions)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), formula);
        var fit = MixedModel.Fit(frame);
        Assert.Equal(names, fit.BetaNames);
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 2e-7 * Math.Max(1, Math.Abs(beta[j])));
        Assert.Equal(logLik, fit.LogLik, 1e-6);
        var pop = Prediction.Predict(frame, fit, NewDays(), PredictionLevel.Population, PredictionScale.Response);
        for (int i = 0; i < predictions.Length; i++) Assert.Equal(predictions[i], pop.Values[i], 1e-6);
    }

    [Fact]
    public void NaturalSplineWithIntercept_AndOnTwoVariables_MatchR()
    {
        // lmer(Reaction ~ 0 + ns(Days, df = 4, intercept = TRUE) + (1 | Subject), sleepstudy)
        var a = MixedModel.Fit(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ 0 + ns(Days, df = 4, intercept = TRUE) + (1 | Subject)"));
        double[] beta = [234.1340136, 206.181106, 654.742832, 136.789618];
        for (int j = 0; j < 4; j++) Assert.Equal(beta[j], a.Beta[j], 2e-7 * beta[j]);
        Assert.Equal(-883.5418722173, a.LogLik, 1e-6);
        // lmer(log(y + 1) ~ ns(age, 2) + bs(lbase, 3) + (1 | subject), epil): ns's interior knot at the median age, 28
        var b = MixedModel.Fit(ModelFrame.Build(BuiltInDatasets.Load("epil"), "log(y + 1) ~ ns(age, 2) + bs(lbase, 3) + (1 | subject)"));
        double[] beta2 = [0.7911542715, 0.7470005725, 0.1159866667, -0.2394795997, 1.108460105, 2.998775232];
        for (int j = 0; j < 6; j++) Assert.Equal(beta2[j], b.Beta[j], 1e-6);
        Assert.Equal(-227.7569431926, b.LogLik, 1e-6);
    }

    [Fact]
    public void RoundAndAsNumeric_MatchR()
    {
        // lmer(Reaction ~ round(Days / 3) + (1 | Subject)); lmer(Reaction ~ round(Days / 4, 1) + (1 | Subject))
        var r0 = MixedModel.Fit(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ round(Days / 3) + (1 | Subject)"));
        Assert.Equal(28.64016481, r0.Beta[1], 1e-6);
        var r1 = MixedModel.Fit(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ round(Days / 4, digits = 1) + (1 | Subject)"));
        Assert.Equal(41.64216943, r1.Beta[1], 1e-6);
        // glmer(cbind(incidence, size - incidence) ~ as.numeric(period) + (1 | herd), cbpp, binomial): the factor's codes 1..4.
        // lme4's Laplace optimum is −93.2849319896; FastGlmm's, 2.7e-4 higher, moves β by about 2e-4.
        var g = MixedModel.Fit(ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ as.numeric(period) + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") }));
        Assert.True(g.LogLik >= -93.2849319896, $"{g.LogLik}");
        Assert.Equal(-0.5591817348, g.Beta[1], 5e-4);
    }

    [Fact]
    public void AsNumericOfText_ParsesNumbersOrNamesTheRow()
    {
        var data = new DataTable([new NumericColumn("y", [1, 2, 3, 4, 5, 6.5]), new FactorColumn("x", [0, 1, 2, 0, 1, 2], ["1.5", "2", "10"]),
            new FactorColumn("bad", [0, 1, 0, 1, 0, 1], ["3", "n/a"]), new NumericColumn("g", [1, 1, 1, 2, 2, 2])], "d");
        var frame = ModelFrame.Build(data.AsFactors(["g"]), "y ~ as.numeric(x) + (1 | g)");
        Assert.Equal([1.5, 2, 10, 1.5, 2, 10], frame.X.Column(1).ToArray());
        var e = Assert.ThrowsAny<UserInputException>(() => ModelFrame.Build(data.AsFactors(["g"]), "y ~ as.numeric(bad) + (1 | g)"));
        Assert.Contains("row 2: as.numeric(bad): 'n/a' is not a number", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("y ~ ns(x) + (1 | g)", 5, "ns() takes a variable and df")]
    [InlineData("y ~ bs(x, df = 2.5) + (1 | g)", 11, "df must be a whole number")]
    [InlineData("y ~ ns(x, 3, degree = 2) + (1 | g)", 14, "ns() has no argument 'degree'")]
    [InlineData("y ~ bs(x, knots = 3) + (1 | g)", 11, "knots = is not supported")]
    [InlineData("y ~ round(x, 0.5) + (1 | g)", 14, "digits must be a whole number")]
    [InlineData("y ~ as.numeric(x, y) + (1 | g)", 5, "as.numeric() takes 1 argument")]
    public void Misuse_IsAFormulaError(string formula, int position, string message)
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse(formula));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains($"position {position}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooSmallDf_IsRefused()
    {
        var e = Assert.ThrowsAny<UserInputException>(() => ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ bs(Days, 2) + (1 | Subject)"));
        Assert.Contains("bs(Days, 2): df = 2 is too small; bs() with degree 3 and intercept = FALSE needs df ≥ 3", e.Message, StringComparison.Ordinal);
    }
}
