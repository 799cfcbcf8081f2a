using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Frame;

/// <summary>
/// Contrasts against R 4.2.2: the matrices of contr.sum, contr.helmert, MASS's contr.sdif and contr.poly, and fits
/// coded by them (glm, and lmer from lme4 1.1-31 run to rhoend = 1e-12), with R's column names.
/// </summary>
public class ContrastTests
{
    private static readonly string[] Four = ["a", "b", "c", "d"];

    [Fact]
    public void Matrices_MatchR()
    {
        // contr.sum(4), contr.helmert(4), MASS::contr.sdif(4), printed by R.
        Assert.Equal(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { -1, -1, -1 } }, Contrasts.Matrix(ContrastKind.Sum, Four).Matrix);
        Assert.Equal(new double[,] { { -1, -1, -1 }, { 1, -1, -1 }, { 0, 2, -1 }, { 0, 0, 3 } }, Contrasts.Matrix(ContrastKind.Helmert, Four).Matrix);
        var (sdif, names) = Contrasts.Matrix(ContrastKind.Sdif, Four);
        Assert.Equal(new[,] { { -0.75, -0.5, -0.25 }, { 0.25, -0.5, -0.25 }, { 0.25, 0.5, -0.25 }, { 0.25, 0.5, 0.75 } }, sdif);
        Assert.Equal(["b-a", "c-b", "d-c"], names);
        Assert.Equal(["1", "2", "3"], Contrasts.Matrix(ContrastKind.Sum, Four).Suffixes);
        // contr.poly(5), print(digits = 17).
        var (poly, pn) = Contrasts.Matrix(ContrastKind.Poly, ["1", "2", "3", "4", "5"]);
        Assert.Equal([".L", ".Q", ".C", "^4"], pn);
        double[,] r =
        {
            { -6.3245553203367588e-01, 0.53452248382484879, -3.1622776601683777e-01, 0.11952286093343928 },
            { -3.1622776601683777e-01, -0.26726124191242440, 6.3245553203367577e-01, -0.47809144373375756 },
            { 0, -0.53452248382484868, 0, 0.71713716560063634 },
            { 3.1622776601683783e-01, -0.26726124191242440, -6.3245553203367599e-01, -0.47809144373375728 },
            { 6.3245553203367588e-01, 0.53452248382484879, 3.1622776601683783e-01, 0.11952286093343928 },
        };
        for (int i = 0; i < 5; i++) for (int j = 0; j < 4; j++) Assert.Equal(r[i, j], poly[i, j], 1e-15);
    }

    private static ModelFrame Frame(string formula, string family, ContrastKind kind) =>
        ModelFrame.Build(BuiltInDatasets.Load("cbpp"), formula, new ModelFrameOptions
        {
            Family = FamilySpec.Parse(family),
            Contrasts = new Dictionary<string, ContrastKind> { ["period"] = kind },
        });

    [Theory]
    // glm(cbind(incidence, size - incidence) ~ period, binomial, cbpp, contrasts = list(period = …)), coef()
    [InlineData(ContrastKind.Sum, new[] { "period1", "period2", "period3" }, new[] { -2.3326351630, 1.0636116736, -0.1071510516, -0.2377936603 })]
    [InlineData(ContrastKind.Helmert, new[] { "period1", "period2", "period3" }, new[] { -2.3326351630, -0.5853813626, -0.2386746571, -0.2395556539 })]
    [InlineData(ContrastKind.Poly, new[] { "period.L", "period.Q", "period.C" }, new[] { -2.3326351630, -1.2248014304, 0.3449447118, -0.3108918922 })]
    [InlineData(ContrastKind.Sdif, new[] { "period2-1", "period3-2", "period4-3" }, new[] { -2.3326351630, -1.1707627251, -0.1306426087, -0.4808733015 })]
    public void GlmCoefficients_MatchR(ContrastKind kind, string[] names, double[] beta)
    {
        var fit = MixedModel.Fit(Frame("cbind(incidence, size - incidence) ~ period", "binomial", kind));
        Assert.Equal(["(Intercept)", .. names], fit.BetaNames);
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 1e-8);
    }

    [Theory]
    // lmer(incidence ~ period + (1 | herd), cbpp, contrasts = list(period = …)): fixef and REMLcrit (which depends on
    // the coding through log det X'X); a boundary fit in both programs
    [InlineData(ContrastKind.Sum, new[] { 1.7048534799, 2.3618131868, -0.4905677656, -0.7048534799 }, 245.8722429774)]
    [InlineData(ContrastKind.Poly, new[] { 1.7048534799, -2.4147076939, 1.1954212454, -0.6451834234 }, 244.4859486163)]
    public void LmmFits_MatchLme4(ContrastKind kind, double[] beta, double remlCriterion)
    {
        var frame = Frame("incidence ~ period + (1 | herd)", "gaussian", kind);
        var fit = MixedModel.Fit(frame);
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 1e-6);
        Assert.Equal(remlCriterion, -2 * fit.LogLik, 1e-6);
        // New data are coded by the fit's contrasts: predicting the fitted rows gives the fitted values.
        var pop = Prediction.Predict(frame, fit, BuiltInDatasets.Load("cbpp"), PredictionLevel.Population, PredictionScale.Link);
        var c = Contrasts.Matrix(kind, ["1", "2", "3", "4"]).Matrix; // cbpp's row 1 is period 1
        Assert.Equal(fit.Beta[0] + fit.Beta[1] * c[0, 0] + fit.Beta[2] * c[0, 1] + fit.Beta[3] * c[0, 2], pop.Values[0], 1e-9);
    }

    [Fact]
    public void ContrastsOfANumericOrAbsentColumn_AreOneLineErrors()
    {
        var data = BuiltInDatasets.Load("cbpp");
        ModelFrameOptions O(string col) => new() { Family = FamilySpec.Parse("binomial"), Contrasts = new Dictionary<string, ContrastKind> { [col] = ContrastKind.Sum } };
        var e = Assert.Throws<UserInputException>(() => ModelFrame.Build(data, "cbind(incidence, size - incidence) ~ size + (1 | herd)", O("size")));
        Assert.StartsWith("contrasts for 'size': 'size' is numeric", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<UserInputException>(() => ModelFrame.Build(data, "cbind(incidence, size - incidence) ~ period + (1 | herd)", O("trt")));
        Assert.Equal("contrasts for 'trt': the formula uses no variable of that name", e.Message);
        var ex = Assert.Throws<UserInputException>(() => Contrasts.Parse("contr.foo", "--contrasts period=contr.foo"));
        Assert.Equal("--contrasts period=contr.foo: unknown contrast 'contr.foo' (known: treatment, sum, helmert, sdif, poly)", ex.Message);
    }
}
